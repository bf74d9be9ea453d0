import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AutodiscoverService } from './autodiscover.service';

/** HTTP only: `/autodiscover/autodiscover.xml` (POX) and `.svc` (SOAP), any case. */
@Controller('autodiscover')
export class AutodiscoverController {
  constructor(private readonly autodiscover: AutodiscoverService) {}

  @Post('autodiscover.xml')
  pox(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.autodiscover.pox(req, res);
  }

  /** A client's probe: 401 (or POX with credentials), or the 302 of the plain-HTTP redirect step. */
  @Get('autodiscover.xml')
  poxProbe(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.autodiscover.get(req, res);
  }

  @Post('autodiscover.svc')
  soap(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.autodiscover.soap(req, res);
  }
}
