import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { GRAPH_API_OPTIONS, type GraphApiOptions } from './graph-api.options';
import { GraphController } from './graph.controller';
import { GraphPresenceService } from './graph-presence.service';

/**
 * The Graph-compatible presence API. `core` is the module that provides presence-bridge's core to
 * its fronts (`PresenceReader`, `PresenceSettingsService`: `PresenceFeatureModule` in the service);
 * sign-in and the directory come from the process's global `AuthModule` and `DirectoryModule`.
 */
@Module({})
export class GraphFeatureModule {
  static forRoot(options: GraphApiOptions, core: NonNullable<ModuleMetadata['imports']>[number]): DynamicModule {
    return {
      module: GraphFeatureModule,
      imports: [core],
      controllers: [GraphController],
      providers: [{ provide: GRAPH_API_OPTIONS, useValue: options }, GraphPresenceService],
    };
  }
}
