import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DirectoryRepository, type DirectoryUser } from '@parley/directory';
import { AuthErrorCode, AuthException, Authenticator, clientAddressOf } from '@parley/auth';
import { ClientAddressResolver } from '@parley/sign-in';
import { child, type XmlNode, type XmlParseOptions } from '@parley/xml';
import {
  BodyTimeoutError,
  BodyTooLargeError,
  closeIfBodyUnread,
  EwsError,
  EwsErrorCode,
  EwsResponseCode,
  faultForError,
  isAcceptedContentType,
  NS,
  parseEwsXml,
  POX_MEDIA_TYPES,
  readRawBody,
  serverBusyFault,
  SOAP_MEDIA_TYPES,
  soapFault,
  writeEwsXml,
} from '@parley/ews-gateway/soap';
import { AD } from './autodiscover-namespaces';
import { autodiscoverGetOf, plainHttpRedirect } from './autodiscover-redirect';
import { autodiscoverEnvelope, getUserSettingsResponse, readGetUserSettings, type UserAnswer } from './soap-autodiscover';
import { poxErrorResponse, poxSettingsResponse, readPoxEmailAddress } from './pox-autodiscover';
import { PoxAutodiscoverException, PoxErrorCode } from './pox-autodiscover.exception';
import { userSettings } from './user-settings';

export interface AutodiscoverOptions {
  publicUrl: string;
  bodyLimitBytes: number;
  /** How long a request body may take to arrive once reading began (`PARLEY_HTTP_BODY_TIMEOUT_MS`). */
  bodyTimeoutMs: number;
  /** The XML front's work limits (`PARLEY_EWS_XML_*`), as for EWS. */
  xmlLimits: Omit<XmlParseOptions, 'maxBytes'>;
}
export const AUTODISCOVER_OPTIONS = Symbol('AUTODISCOVER_OPTIONS');

/** Autodiscover over POX and SOAP, behind the same authentication as EWS. */
@Injectable()
export class AutodiscoverService {
  private readonly logger = new Logger('Autodiscover');

  constructor(
    private readonly authenticator: Authenticator,
    private readonly directory: DirectoryRepository,
    private readonly clientAddresses: ClientAddressResolver,
    @Inject(AUTODISCOVER_OPTIONS) private readonly options: AutodiscoverOptions,
  ) {}

  /** POX (`autodiscover.xml`): every refusal but the 401 is an Autodiscover error response, never a SOAP fault. */
  async pox(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await this.serve(req, res, POX_ENDPOINT, async (caller, body) => {
      const address = body ? readPoxEmailAddress(parseEwsXml(body, this.parseOptions())) : caller.smtpAddress;
      const user = await this.directory.findByAddress(address);
      return {
        status: 200,
        node: user ? poxSettingsResponse(user, this.options.publicUrl) : poxErrorResponse(PoxErrorCode.EmailNotFound, new Date()),
      };
    });
  }

  /** GET autodiscover.xml: the plain-HTTP redirect step when it applies (`plainHttpRedirect`), else as POX. */
  async get(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const location = plainHttpRedirect(autodiscoverGetOf(req), this.options.publicUrl);
    if (location === undefined) return this.pox(req, res);
    res.statusCode = 302;
    res.setHeader('Location', location);
    res.setHeader('Content-Length', '0');
    res.end();
  }

  async soap(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await this.serve(req, res, SOAP_ENDPOINT, async (_caller, body) => {
      const envelope = parseEwsXml(body ?? Buffer.alloc(0), this.parseOptions());
      const operation = child(child(envelope, NS.SOAP, 'Body'), AD.SOAP, 'GetUserSettingsRequestMessage');
      if (envelope.ns !== NS.SOAP || !operation) throw new EwsError(EwsErrorCode.InvalidBody, 'Expected a GetUserSettings request.');
      const asked = readGetUserSettings(operation);
      const answers: UserAnswer[] = [];
      for (const mailbox of asked.mailboxes) {
        const user = mailbox ? await this.directory.findByAddress(mailbox) : null;
        answers.push(user ? { mailbox, settings: userSettings(user, this.options.publicUrl) } : { mailbox, error: 'InvalidUser' });
      }
      return { status: 200, node: autodiscoverEnvelope('GetUserSettingsResponse', getUserSettingsResponse(asked.settings, answers)) };
    });
  }

  private parseOptions(): XmlParseOptions {
    return { ...this.options.xmlLimits, maxBytes: this.options.bodyLimitBytes };
  }

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
    endpoint: Endpoint,
    work: (caller: DirectoryUser, body: Buffer | undefined) => Promise<Answer>,
  ): Promise<void> {
    const limit = this.options.bodyLimitBytes;
    let answer: Answer;
    try {
      const caller = await this.authenticator.authenticate(req.headers.authorization, clientAddressOf(this.clientAddresses, req));
      let body: Buffer | undefined;
      if (req.method === 'POST') {
        if (!isAcceptedContentType(req.headers['content-type'], endpoint.mediaTypes))
          throw new UnsupportedContentTypeError(endpoint.mediaTypes);
        body = await readRawBody(req, limit, this.options.bodyTimeoutMs);
      }
      answer = await work(caller, body);
    } catch (error) {
      if (error instanceof AuthException && error.code === AuthErrorCode.Unauthenticated) {
        res.setHeader('WWW-Authenticate', 'Basic realm="Parley"');
        answer = { status: 401 };
      } else {
        if (!isClientError(error)) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
        else this.logger.debug(`refused: ${String(error)}`);
        answer = endpoint.answerError(error);
        if (answer.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(answer.retryAfterSeconds));
      }
    }
    closeIfBodyUnread(req, res);
    // Clients that locate Autodiscover by probing (an unauthenticated GET of autodiscover.xml, which
    // gets the 401) use the SOAP endpoint only if this header says it exists.
    res.setHeader('X-SOAP-Enabled', 'True');
    res.statusCode = answer.status;
    if (!answer.node) {
      res.setHeader('Content-Length', '0');
      return void res.end();
    }
    const xml = Buffer.from(writeEwsXml(answer.node), 'utf8');
    res.setHeader('Content-Type', 'text/xml; charset=utf-8');
    res.setHeader('Content-Length', xml.length);
    res.end(xml);
  }
}

interface Answer {
  status: number;
  node?: XmlNode;
  retryAfterSeconds?: number;
}

/** What differs between the two endpoints: the bodies they read, the form of their errors. */
interface Endpoint {
  readonly mediaTypes: readonly string[];
  readonly answerError: (error: unknown) => Answer;
}

/** A POST whose Content-Type the endpoint does not read (HTTP 415). */
class UnsupportedContentTypeError extends Error {
  constructor(accepted: readonly string[]) {
    super(`The request needs a Content-Type of ${accepted.join(' or ')}.`);
  }
}

function isClientError(error: unknown): boolean {
  return (
    error instanceof EwsError ||
    error instanceof AuthException ||
    error instanceof PoxAutodiscoverException ||
    error instanceof UnsupportedContentTypeError ||
    error instanceof BodyTooLargeError ||
    error instanceof BodyTimeoutError
  );
}

/**
 * POX errors as Autodiscover error responses. A request the endpoint read and refused is HTTP 200
 * with the error inside, as Exchange answers; what is refused at the HTTP level (413, 415, 408)
 * keeps that status and carries `600 Invalid Request` for clients that read the body anyway;
 * throttling is 503 with Retry-After and a server failure 500, both with `603` (any status but
 * 200 makes a client try its next Autodiscover candidate, which is right for both).
 */
const POX_ENDPOINT: Endpoint = {
  mediaTypes: POX_MEDIA_TYPES,
  answerError(error) {
    const now = new Date();
    const invalid = (status: number): Answer => ({ status, node: poxErrorResponse(PoxErrorCode.InvalidRequest, now) });
    if (error instanceof PoxAutodiscoverException) return { status: 200, node: poxErrorResponse(error.code, now) };
    if (error instanceof EwsError) return invalid(200); // not well-formed XML, or past the parser's limits
    if (error instanceof UnsupportedContentTypeError) return invalid(415);
    if (error instanceof BodyTooLargeError) return invalid(413);
    if (error instanceof BodyTimeoutError) return invalid(408);
    if (error instanceof AuthException && error.code === AuthErrorCode.Throttled) {
      return {
        status: 503,
        node: poxErrorResponse(PoxErrorCode.InternalError, now),
        retryAfterSeconds: Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000)),
      };
    }
    return { status: 500, node: poxErrorResponse(PoxErrorCode.InternalError, now) };
  },
};

/** SOAP Autodiscover errors as SOAP faults with ServerVersionInfo, as the EWS endpoint writes them. */
const SOAP_ENDPOINT: Endpoint = {
  mediaTypes: SOAP_MEDIA_TYPES,
  answerError(error) {
    const invalid = (status: number, message: string): Answer => ({
      status,
      node: soapFault({ responseCode: EwsResponseCode.ErrorInvalidRequest, faultString: message }),
    });
    if (error instanceof UnsupportedContentTypeError) return invalid(415, error.message);
    if (error instanceof BodyTooLargeError) return invalid(413, error.message);
    if (error instanceof BodyTimeoutError) return invalid(408, error.message);
    if (error instanceof AuthException && error.code === AuthErrorCode.Throttled)
      return { status: 500, node: serverBusyFault(error.retryAfterMs) };
    return { status: 500, node: faultForError(error) };
  },
};
