import { type DynamicModule, Module } from '@nestjs/common';
import { SIP_FRONT_OPTIONS, type SipFrontOptions } from './sip-front.options';
import { SipFrontServer } from './sip-front.server';
import { SipPresenceCore } from './sip-presence-core';

/**
 * The SIP front (docs/sip.md): SIP over TCP and over WebSocket, non-INVITE server transactions, digest sign-in and the
 * registrar. Needs the process's global directory (`DirectoryModule`), sign-in (`AuthModule`: the shared throttle
 * and client-address rule) and presence core (`PresenceFeatureModule`), and the HTTP server for `/sip`.
 */
@Module({})
export class SipFrontModule {
  static forRoot(options: SipFrontOptions): DynamicModule {
    return {
      module: SipFrontModule,
      providers: [{ provide: SIP_FRONT_OPTIONS, useValue: options }, SipPresenceCore, SipFrontServer],
      exports: [SipFrontServer],
    };
  }
}
