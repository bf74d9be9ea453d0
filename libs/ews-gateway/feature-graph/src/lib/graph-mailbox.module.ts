import { DynamicModule, Module } from '@nestjs/common';
import { OofModule } from '@parley/ews-gateway/feature-ews';
import { GraphRoutingModule } from '@parley/graph';
import { GraphMailboxController } from './graph-mailbox.controller';
import { GRAPH_MAILBOX_OPTIONS, type GraphMailboxOptions } from './graph-mailbox.options';
import { MailboxSettingsService } from './mailbox-settings.service';

/**
 * The mailbox part of the Graph-compatible API. OOF through the gateway's `OofModule` (the one
 * EWS uses: one read model per app); sign-in, the impersonation rule and the directory from the
 * process's global `AuthModule` and `DirectoryModule`.
 */
@Module({})
export class GraphMailboxFeatureModule {
  static forRoot(options: GraphMailboxOptions): DynamicModule {
    return {
      module: GraphMailboxFeatureModule,
      imports: [GraphRoutingModule, OofModule],
      controllers: [GraphMailboxController],
      providers: [{ provide: GRAPH_MAILBOX_OPTIONS, useValue: options }, MailboxSettingsService],
    };
  }
}
