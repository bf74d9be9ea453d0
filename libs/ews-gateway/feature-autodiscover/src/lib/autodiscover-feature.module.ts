import { DynamicModule, Module } from '@nestjs/common';
import { AutodiscoverController } from './autodiscover.controller';
import { AUTODISCOVER_OPTIONS, AutodiscoverService, type AutodiscoverOptions } from './autodiscover.service';

/** Autodiscover endpoints (needs the process's `AuthModule`). */
@Module({})
export class AutodiscoverFeatureModule {
  static forRoot(options: AutodiscoverOptions): DynamicModule {
    return {
      module: AutodiscoverFeatureModule,
      controllers: [AutodiscoverController],
      providers: [{ provide: AUTODISCOVER_OPTIONS, useValue: options }, AutodiscoverService],
    };
  }
}
