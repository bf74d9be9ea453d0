import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ReadinessRegistry } from './readiness.registry';

/** Where probes ask (deployments read these, so manifests and code cannot drift apart). */
export const PROBE_PATHS = { liveness: '/healthz', readiness: '/readyz' } as const;

@Controller()
export class ObservabilityController {
  // `/metrics` is not here: it has its own listener (MetricsListener), never the public port.
  constructor(private readonly readiness: ReadinessRegistry) {}

  /** Liveness: the event loop answers. Never checks dependencies (a DB outage must not restart pods). */
  @Get(PROBE_PATHS.liveness)
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every registered dependency answers; 503 with the failing checks otherwise. */
  @Get(PROBE_PATHS.readiness)
  async readyz(@Res() res: Response): Promise<void> {
    const result = await this.readiness.evaluate();
    res.status(result.ready ? 200 : 503).json({ status: result.ready ? 'ready' : 'not-ready', checks: result.checks });
  }
}
