import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { GraphRoutingModule } from '@parley/graph';
import { GRAPH_API_OPTIONS, type GraphApiOptions } from './graph-api.options';
import { GraphController } from './graph.controller';
import { GraphPresenceService } from './graph-presence.service';

/**
 * The presence part of the Graph-compatible API. It injects presence-bridge's core by its ports
 * (`PresenceReader`, `PresenceSettingsService`), from `core` when given (a spec's stand-in), else
 * from wherever the app provides them globally; sign-in and the directory come from the process's
 * global `AuthModule` and `DirectoryModule`.
 */
@Module({})
export class GraphFeatureModule {
  static forRoot(options: GraphApiOptions, core?: NonNullable<ModuleMetadata['imports']>[number]): DynamicModule {
    return {
      module: GraphFeatureModule,
      imports: core ? [GraphRoutingModule, core] : [GraphRoutingModule],
      controllers: [GraphController],
      providers: [{ provide: GRAPH_API_OPTIONS, useValue: options }, GraphPresenceService],
    };
  }
}
