import { ArgumentsHost, Catch, ExceptionFilter, Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EwsRequestService } from './ews-request.service';

/** Whatever escapes the controller still leaves as a SOAP fault with ServerVersionInfo. */
@Catch()
@Injectable()
export class EwsExceptionFilter implements ExceptionFilter {
  constructor(private readonly ews: EwsRequestService) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.ews.answerError(http.getRequest<IncomingMessage>(), http.getResponse<ServerResponse>(), error);
  }
}
