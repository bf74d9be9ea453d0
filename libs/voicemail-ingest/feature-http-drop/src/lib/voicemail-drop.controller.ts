import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { clientAddressOf } from '@parley/auth';
import { closeIfBodyUnread, DirectRoutes } from '@parley/observability';
import { ClientAddressResolver, SignInThrottle } from '@parley/sign-in';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DropRateLimiter } from './drop-rate-limiter';
import { PbxApiKeyService } from './pbx-api-key.service';
import { VoicemailDropErrorCode, VoicemailDropException } from './voicemail-drop.exception';
import { readDropParts } from './voicemail-drop.multipart';
import { VOICEMAIL_DROP_OPTIONS, VOICEMAIL_DROP_PATH, type VoicemailDropOptions } from './voicemail-drop.options';
import { sendProblem } from './voicemail-drop.problem';
import { VoicemailDropService } from './voicemail-drop.service';

/** Methods other than POST on the drop's path: 405 with `Allow`, answered here rather than by whichever front owns `/api/v1.0`. */
const OTHER_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * HTTP only: `POST /api/v1.0/voicemail`. A direct route (`DirectRoutes`, ahead of Express) — the
 * drop reads its own multipart body, and in the embedded process the path sits under the Graph
 * API's root, whose catch-all would otherwise answer it. The key is checked before a byte of the
 * body is read; a request refused then closes its connection instead of receiving the upload.
 */
@Injectable()
export class VoicemailDropController implements OnModuleInit {
  private readonly logger = new Logger('VoicemailDrop');
  private readonly rates: DropRateLimiter;

  constructor(
    private readonly drops: VoicemailDropService,
    private readonly keys: PbxApiKeyService,
    private readonly throttle: SignInThrottle,
    private readonly clientAddresses: ClientAddressResolver,
    private readonly direct: DirectRoutes,
    @Inject(VOICEMAIL_DROP_OPTIONS) private readonly options: VoicemailDropOptions,
  ) {
    this.rates = new DropRateLimiter(options.requestsPerMinute);
  }

  onModuleInit(): void {
    this.direct.register({ method: 'POST', path: VOICEMAIL_DROP_PATH, handle: (req, res) => this.post(req, res) });
    for (const method of OTHER_METHODS) {
      this.direct.register({ method, path: VOICEMAIL_DROP_PATH, handle: async (_req, res) => this.otherMethod(res) });
    }
  }

  async post(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let bodyRead = false;
    try {
      const clientAddress = clientAddressOf(this.clientAddresses, req);
      const key = await this.authenticate(req, clientAddress);
      const retryAfter = this.rates.take(key.id);
      if (retryAfter > 0) {
        throw new VoicemailDropException(
          VoicemailDropErrorCode.RateLimited,
          `This key may make ${this.options.requestsPerMinute} drops a minute.`,
          { retryAfterSeconds: retryAfter },
        );
      }
      const parts = await readDropParts(req, {
        maxAudioBytes: this.options.maxAudioBytes,
        maxMetadataBytes: this.options.maxMetadataBytes,
        maxParts: this.options.maxParts,
        timeoutMs: this.options.bodyTimeoutMs,
      });
      bodyRead = true;
      const result = await this.drops.drop(parts, { key, clientAddress });
      const body = Buffer.from(JSON.stringify(result), 'utf8');
      res.statusCode = 201;
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Content-Length', body.length);
      res.setHeader('Cache-Control', 'no-store');
      res.end(body);
    } catch (error) {
      if (!(error instanceof VoicemailDropException)) {
        this.logger.error(`a drop failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
      const refusal =
        error instanceof VoicemailDropException
          ? error
          : new VoicemailDropException(VoicemailDropErrorCode.Unavailable, 'The drop could not be handled now; nothing was stored.', {
              retryAfterSeconds: 30,
            });
      // An unread (or partly read) body is not worth receiving: the connection closes after the answer.
      const close = !bodyRead && !req.complete;
      if (close) {
        req.unpipe();
        // Half-closed after the answer while the rest is read and dropped (bounded): a reset would
        // wipe the answer before a client still sending its upload could read it.
        closeIfBodyUnread(req, res);
      }
      sendProblem(res, refusal, { close });
    }
  }

  private async authenticate(req: IncomingMessage, clientAddress: string) {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
    if (match === null) {
      throw new VoicemailDropException(
        VoicemailDropErrorCode.MissingCredentials,
        'Send the PBX API key as "Authorization: Bearer <key>" (parley-admin pbx-key issue makes one).',
      );
    }
    // A failed key names no account: only the client address is budgeted (the shared sign-in throttle).
    const assessment = this.throttle.assess(undefined, clientAddress);
    if (assessment.refused) {
      throw new VoicemailDropException(VoicemailDropErrorCode.Throttled, 'Too many invalid API keys from this address; try again later.', {
        retryAfterSeconds: Math.max(1, Math.ceil(assessment.retryAfterMs / 1000)),
      });
    }
    const check = await this.keys.check(match[1]);
    if (check.status === 'valid') return check.key;
    this.throttle.recordFailure(undefined, clientAddress);
    if (check.status === 'revoked') {
      this.logger.warn(`a drop from ${clientAddress} used the revoked PBX key ${check.key.name}`);
      throw new VoicemailDropException(VoicemailDropErrorCode.RevokedKey, `The key ${check.key.name} was revoked; issue a new one.`);
    }
    throw new VoicemailDropException(VoicemailDropErrorCode.InvalidKey, 'The API key is not valid.');
  }

  private otherMethod(res: ServerResponse): void {
    res.statusCode = 405;
    res.setHeader('Allow', 'POST');
    res.setHeader('Content-Length', '0');
    res.end();
  }
}
