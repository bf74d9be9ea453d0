import { DynamicModule, Module } from '@nestjs/common';
import { OofModule } from '@parley/ews-gateway/feature-ews';
import { GraphRoutingModule } from '@parley/graph';
import { CalendarViewService } from './calendar-view.service';
import { GraphMailboxController } from './graph-mailbox.controller';
import { GRAPH_MAILBOX_OPTIONS, type GraphMailboxOptions } from './graph-mailbox.options';
import { GraphMessagesService } from './graph-messages.service';
import { GraphMailboxAccess } from './mailbox-access';
import { MailboxSettingsService } from './mailbox-settings.service';

/**
 * The mailbox part of the Graph-compatible API. OOF through the gateway's `OofModule` (the one
 * EWS uses: one read model per app); calendars and messages through the gateway's calendar and
 * message clients (the global `MailboxClientsModule` the service imports, shared with EWS);
 * sign-in, the impersonation rule and the directory from the process's global `AuthModule` and `DirectoryModule`.
 */
@Module({})
export class GraphMailboxFeatureModule {
  static forRoot(options: GraphMailboxOptions): DynamicModule {
    return {
      module: GraphMailboxFeatureModule,
      imports: [GraphRoutingModule, OofModule],
      controllers: [GraphMailboxController],
      providers: [
        { provide: GRAPH_MAILBOX_OPTIONS, useValue: options },
        GraphMailboxAccess,
        MailboxSettingsService,
        CalendarViewService,
        GraphMessagesService,
      ],
    };
  }
}
