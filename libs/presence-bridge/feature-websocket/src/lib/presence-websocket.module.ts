import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { PRESENCE_SOCKET_OPTIONS, type PresenceSocketOptions } from './presence-socket.options';
import { PresenceSocketServer } from './presence-socket.server';

/**
 * The presence WebSocket front (`GET /presence`). `core` are the modules that provide the presence
 * core's ports (PresenceReader, PresenceWatchers, PresenceEndpoints, InstantMessaging,
 * PresenceSettingsService). Sign-in comes from the process's global `AuthModule` (@parley/auth).
 */
@Module({})
export class PresenceWebSocketModule {
  static forRoot(options: PresenceSocketOptions, core: NonNullable<ModuleMetadata['imports']> = []): DynamicModule {
    return {
      module: PresenceWebSocketModule,
      imports: core,
      providers: [{ provide: PRESENCE_SOCKET_OPTIONS, useValue: options }, PresenceSocketServer],
      exports: [PresenceSocketServer],
    };
  }
}
