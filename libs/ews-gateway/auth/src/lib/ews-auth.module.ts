import { DynamicModule, Module } from '@nestjs/common';
import type { EwsConfig } from '@parley/config';
import { ActingMailboxResolver } from './acting-mailbox.resolver';
import { EWS_AUTH_CONFIG, EwsAuthenticator } from './ews-authenticator';

/** Authentication and mailbox authorization for the gateway's HTTP endpoints (uses the global directory). */
@Module({})
export class EwsAuthModule {
  static forRoot(config: EwsConfig): DynamicModule {
    return {
      module: EwsAuthModule,
      global: true,
      providers: [{ provide: EWS_AUTH_CONFIG, useValue: config }, EwsAuthenticator, ActingMailboxResolver],
      exports: [EwsAuthenticator, ActingMailboxResolver],
    };
  }
}
