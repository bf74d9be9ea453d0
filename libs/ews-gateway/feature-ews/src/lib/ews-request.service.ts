import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthException, Authenticator, clientAddressOf } from '@parley/auth';
import { ActingMailboxResolver, EwsAuthException } from '@parley/ews-gateway/auth';
import { ClientAddressResolver } from '@parley/sign-in';
import {
  BodyTimeoutError,
  BodyTooLargeError,
  EwsError,
  EwsErrorCode,
  faultForError,
  readRawBody,
  readSoapRequest,
  SOAP_FAULT_HTTP_STATUS,
  soapEnvelope,
  soapFault,
  EwsResponseCode,
} from '@parley/ews-gateway/soap';
import { answerForAuthFailure } from './auth-error.mapper';
import { checkBatchSize } from './batch-limits';
import { acceptableContentType, sendChallenge, sendSoap } from './ews-http';
import { type AnyEwsOperationHandler, EWS_OPERATION_HANDLERS, isStreamingAnswer } from './ews-operation';
import { EWS_ENDPOINT_OPTIONS, type EwsEndpointOptions } from './ews-options';
import { KNOWN_EWS_OPERATIONS } from './known-operations';

/** One EWS HTTP exchange: authenticate, read, parse (bounded), check the batch size, authorize, dispatch, answer. */
@Injectable()
export class EwsRequestService {
  private readonly logger = new Logger('Ews');
  private readonly handlers: ReadonlyMap<string, AnyEwsOperationHandler>;

  constructor(
    private readonly authenticator: Authenticator,
    private readonly acting: ActingMailboxResolver,
    private readonly clientAddresses: ClientAddressResolver,
    @Inject(EWS_ENDPOINT_OPTIONS) private readonly options: Omit<EwsEndpointOptions, 'notifications'>,
    @Inject(EWS_OPERATION_HANDLERS) handlers: AnyEwsOperationHandler[],
  ) {
    this.handlers = new Map(handlers.map((h) => [h.operation, h]));
  }

  /** GET: a probe. Unauthenticated → 401 (clients give up on anything else); otherwise a short note. */
  async probe(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!(await this.authenticateOrAnswer(req, res))) return;
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('Exchange Web Services: POST SOAP requests to this URL.\n');
  }

  async post(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const limit = this.options.bodyLimitBytes;
    const caller = await this.authenticateOrAnswer(req, res);
    if (!caller) return;
    if (!acceptableContentType(req)) {
      const fault = soapFault({
        responseCode: EwsResponseCode.ErrorInvalidRequest,
        faultString: 'The request needs a Content-Type of text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2).',
      });
      return sendSoap(req, res, 415, fault);
    }
    try {
      const body = await readRawBody(req, limit, this.options.bodyTimeoutMs);
      const request = readSoapRequest(body, { ...this.options.xmlLimits, maxBytes: limit });
      const handler = this.handlers.get(request.operation);
      if (!handler) throw unknownOperation(request.operation);
      checkBatchSize(request, this.options.batchLimits);
      const acting = await this.acting.resolve(caller, request.headers.impersonation);
      const answer = await handler.handle({ request, acting });
      if (isStreamingAnswer(answer)) return answer.start(req, res);
      sendSoap(req, res, 200, soapEnvelope(answer));
    } catch (error) {
      this.answerError(req, res, error);
    }
  }

  /** Maps anything thrown while serving a request to its SOAP answer; never an HTML page. */
  answerError(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    if (error instanceof BodyTooLargeError || error instanceof BodyTimeoutError) {
      const fault = soapFault({ responseCode: EwsResponseCode.ErrorInvalidRequest, faultString: error.message });
      return sendSoap(req, res, error instanceof BodyTooLargeError ? 413 : 408, fault);
    }
    if (error instanceof AuthException || error instanceof EwsAuthException) {
      const answer = answerForAuthFailure(error);
      if (answer.kind === 'challenge') return sendChallenge(req, res, this.options.bearerEnabled);
      return sendSoap(req, res, answer.status, answer.envelope);
    }
    if (error instanceof EwsError) this.logger.debug(`refused: ${error.code} ${error.message}`);
    else this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    sendSoap(req, res, SOAP_FAULT_HTTP_STATUS, faultForError(error));
  }

  private async authenticateOrAnswer(req: IncomingMessage, res: ServerResponse) {
    try {
      return await this.authenticator.authenticate(req.headers.authorization, clientAddressOf(this.clientAddresses, req));
    } catch (error) {
      this.answerError(req, res, error);
      return undefined;
    }
  }
}

function unknownOperation(operation: string): EwsError {
  if (KNOWN_EWS_OPERATIONS.has(operation)) {
    return new EwsError(EwsErrorCode.UnsupportedOperation, `The operation '${operation}' is not supported by this server yet.`);
  }
  return new EwsError(EwsErrorCode.InvalidBody, `The element '${operation.slice(0, 64)}' is not a known EWS operation.`);
}
