import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { DirectRoutes } from './direct-routes';
import { Metrics } from './metrics';
import { MetricsListener } from './metrics.listener';
import { ObservabilityController } from './observability.controller';
import { ReadinessRegistry } from './readiness.registry';
import { UpgradeRoutes } from './upgrade-routes';

@Global()
@Module({})
export class ObservabilityModule implements NestModule {
  constructor(private readonly metrics: Metrics) {}

  static forRoot(labels: { service: string; version: string }): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [ObservabilityController],
      providers: [ReadinessRegistry, DirectRoutes, UpgradeRoutes, MetricsListener, { provide: Metrics, useValue: new Metrics(labels) }],
      exports: [ReadinessRegistry, DirectRoutes, UpgradeRoutes, Metrics, MetricsListener],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    const histogram = this.metrics.httpRequests;
    consumer
      .apply((req: Request, res: Response, next: NextFunction) => {
        const stop = histogram.startTimer();
        res.on('finish', () => {
          // The matched route keeps label cardinality bounded; unmatched paths share one label.
          const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
          stop({ method: req.method, route: `${req.baseUrl}${route}`, status: String(res.statusCode) });
        });
        next();
      })
      .forRoutes('*path');
  }
}
