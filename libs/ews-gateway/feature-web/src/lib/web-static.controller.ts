import { Controller, Get, Logger, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebErrorCode, WebException } from './web-client.exception';
import { sendProblem } from './web-client.problem';
import { WebStaticFiles } from './web-static-files';

/**
 * HTTP only: the web client's page and files at `/`, `/index.html` and `/assets/...` (GET, and HEAD through Express).
 * Exact routes: they shadow nothing of EWS, Autodiscover, the probes or the Graph API.
 */
@Controller()
export class WebStaticController {
  private readonly logger = new Logger('WebClient');

  constructor(private readonly files: WebStaticFiles) {}

  @Get()
  root(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.answer(req, res, () => this.files.serveIndex(req, res));
  }

  @Get('index.html')
  index(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.answer(req, res, () => this.files.serveIndex(req, res));
  }

  @Get('assets/*path')
  asset(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.answer(req, res, () => this.files.serveAsset(req, res));
  }

  private async answer(req: IncomingMessage, res: ServerResponse, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (error instanceof WebException) return sendProblem(req, res, error);
      this.logger.error(`serving ${req.url ?? ''} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      sendProblem(req, res, new WebException(WebErrorCode.Unavailable, 'The file could not be read.'));
    }
  }
}
