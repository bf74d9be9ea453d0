import { Controller, Get, Header, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Metrics } from './metrics';
import { ReadinessRegistry } from './readiness.registry';

@Controller()
export class ObservabilityController {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly metrics: Metrics,
  ) {}

  /** Liveness: the event loop answers. Never checks dependencies (a DB outage must not restart pods). */
  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every registered dependency answers; 503 with the failing checks otherwise. */
  @Get('readyz')
  async readyz(@Res() res: Response): Promise<void> {
    const result = await this.readiness.evaluate();
    res.status(result.ready ? 200 : 503).json({ status: result.ready ? 'ready' : 'not-ready', checks: result.checks });
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
