import { All, Controller, Get, OnModuleInit, Optional, Post, Req, Res, UseFilters } from '@nestjs/common';
import { DirectRoutes } from '@parley/observability';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EwsExceptionFilter } from './ews-exception.filter';
import { EwsRequestService } from './ews-request.service';

export const EWS_PATH = '/EWS/Exchange.asmx';

/**
 * HTTP only: `/EWS/Exchange.asmx` (any case, as on IIS). SOAP POSTs to the exact path are served
 * as a direct route (`DirectRoutes`, ahead of Express: the hot path); the routes below answer
 * the rest (GET probes, other methods, a trailing slash) and every POST when no direct routes
 * are installed.
 */
@Controller('ews')
@UseFilters(EwsExceptionFilter)
export class EwsController implements OnModuleInit {
  constructor(
    private readonly ews: EwsRequestService,
    @Optional() private readonly direct?: DirectRoutes,
  ) {}

  onModuleInit(): void {
    this.direct?.register({ method: 'POST', path: EWS_PATH, handle: (req, res) => this.ews.post(req, res) });
  }

  @Post('exchange.asmx')
  post(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.ews.post(req, res);
  }

  @Get('exchange.asmx')
  probe(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.ews.probe(req, res);
  }

  @All('exchange.asmx')
  other(@Res() res: ServerResponse): void {
    res.statusCode = 405;
    res.setHeader('Allow', 'GET, POST');
    res.end();
  }
}
