import { All, Controller, Get, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EwsExceptionFilter } from './ews-exception.filter';
import { EwsRequestService } from './ews-request.service';

/** HTTP only: `/EWS/Exchange.asmx` (any case, as on IIS). */
@Controller('ews')
@UseFilters(EwsExceptionFilter)
export class EwsController {
  constructor(private readonly ews: EwsRequestService) {}

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
