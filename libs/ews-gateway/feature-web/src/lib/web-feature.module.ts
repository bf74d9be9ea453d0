import { DynamicModule, Module } from '@nestjs/common';
import { WEB_CLIENT_OPTIONS, type WebClientOptions } from './web-client.options';
import { WebSessionController } from './web-session.controller';
import { WebStaticController } from './web-static.controller';
import { WebStaticFiles } from './web-static-files';

/** The web client's sign-in sessions and static files (needs the process's `AuthModule` and `DirectoryModule`). */
@Module({})
export class WebFeatureModule {
  static forRoot(options: WebClientOptions): DynamicModule {
    return {
      module: WebFeatureModule,
      controllers: [WebSessionController, WebStaticController],
      providers: [{ provide: WEB_CLIENT_OPTIONS, useValue: options }, WebStaticFiles],
    };
  }
}
