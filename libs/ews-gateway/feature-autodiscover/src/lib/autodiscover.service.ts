import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DirectoryRepository, type DirectoryUser } from '@parley/directory';
import { EwsAuthenticator, EwsAuthErrorCode, EwsAuthException } from '@parley/ews-gateway/auth';
import { BodyTooLargeError, child, EwsError, EwsErrorCode, faultForError, NS, parseXml, readRawBody, serverBusyFault, shouldCloseAfterReply, writeXml, type XmlNode, type XmlParseOptions } from '@parley/ews-gateway/soap';
import { AD } from './autodiscover-namespaces';
import { autodiscoverGetOf, plainHttpRedirect } from './autodiscover-redirect';
import { autodiscoverEnvelope, getUserSettingsResponse, readGetUserSettings, type UserAnswer } from './soap-autodiscover';
import { poxErrorResponse, poxSettingsResponse, readPoxEmailAddress } from './pox-autodiscover';
import { userSettings } from './user-settings';

export interface AutodiscoverOptions {
  publicUrl: string;
  bodyLimitBytes: number;
  /** The XML front's work limits (`PARLEY_EWS_XML_*`), as for EWS. */
  xmlLimits: Omit<XmlParseOptions, 'maxBytes'>;
}
export const AUTODISCOVER_OPTIONS = Symbol('AUTODISCOVER_OPTIONS');

/** Autodiscover over POX and SOAP, behind the same authentication as EWS. */
@Injectable()
export class AutodiscoverService {
  private readonly logger = new Logger('Autodiscover');

  constructor(
    private readonly authenticator: EwsAuthenticator,
    private readonly directory: DirectoryRepository,
    @Inject(AUTODISCOVER_OPTIONS) private readonly options: AutodiscoverOptions,
  ) {}

  async pox(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await this.serve(req, res, async (caller, body) => {
      const address = body ? readPoxEmailAddress(parseXml(body, this.parseOptions())) : caller.smtpAddress;
      const user = address ? await this.directory.findByAddress(address) : null;
      return { status: 200, node: user ? poxSettingsResponse(user, this.options.publicUrl) : poxErrorResponse(new Date()) };
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
    await this.serve(req, res, async (_caller, body) => {
      const envelope = parseXml(body ?? Buffer.alloc(0), this.parseOptions());
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

  private async serve(req: IncomingMessage, res: ServerResponse, work: (caller: DirectoryUser, body: Buffer | undefined) => Promise<{ status: number; node: XmlNode }>): Promise<void> {
    const limit = this.options.bodyLimitBytes;
    let answer: { status: number; node?: XmlNode };
    try {
      const caller = await this.authenticator.authenticate(req.headers.authorization, req.socket.remoteAddress ?? 'unknown');
      const body = req.method === 'POST' ? await readRawBody(req, limit) : undefined;
      answer = await work(caller, body);
    } catch (error) {
      if (error instanceof EwsAuthException && error.code === EwsAuthErrorCode.Unauthenticated) {
        res.setHeader('WWW-Authenticate', 'Basic realm="Parley"');
        answer = { status: 401 };
      } else if (error instanceof EwsAuthException && error.code === EwsAuthErrorCode.Throttled) {
        answer = { status: 500, node: serverBusyFault(error.backOffMs) };
      } else if (error instanceof BodyTooLargeError) {
        answer = { status: 413 };
      } else {
        this.logger.debug(`refused: ${String(error)}`);
        answer = { status: 500, node: faultForError(error) };
      }
    }
    if (shouldCloseAfterReply(req, limit)) res.setHeader('Connection', 'close');
    // Clients that locate Autodiscover by probing (an unauthenticated GET of autodiscover.xml, which
    // gets the 401) use the SOAP endpoint only if this header says it exists.
    res.setHeader('X-SOAP-Enabled', 'True');
    res.statusCode = answer.status;
    if (!answer.node) return void res.end();
    res.setHeader('Content-Type', 'text/xml; charset=utf-8');
    res.end(writeXml(answer.node));
  }
}
