import { Logger } from '@nestjs/common';
import { formatUri, type NameAddr, SipParseError, type SipRequest, type SipResponse } from '@parley/presence-bridge/sip';
import type { SipAuthentication } from './sip-authentication';
import type { SipConnection } from './sip-connection';
import type { SipEndpoints } from './sip-endpoints';
import { SIP_ALLOW_EVENTS } from './sip-event-packages';
import { SIP_ALLOWED_METHODS, SIP_CALL_METHODS } from './sip-front.options';
import type { SipIdentities } from './sip-identities';
import type { SipMessages } from './sip-messages';
import type { SipPublications } from './sip-publications';
import type { SipBinding, SipRegistrar } from './sip-registrar';
import type { SipSubscriptions } from './sip-subscriptions';
import { sipReply, sipWarning } from './sip-reply';

const ALLOW = SIP_ALLOWED_METHODS.join(', ');
const ALLOWED = new Set<string>(SIP_ALLOWED_METHODS);
const CALL_METHODS = new Set<string>(SIP_CALL_METHODS);
/** The bodies this front reads (PIDF for PUBLISH, text for MESSAGE) — what OPTIONS announces. */
const ACCEPT = 'application/pidf+xml, text/plain';
/** RFC 5626 outbound and path are not offered; the front only states what it does support. */
const SUPPORTED = '';
/** A token of RFC 3261 §25.1: a parameter value that needs no quotes. */
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/**
 * What the SIP front does with one request that reached it (after framing, rate limit and transaction matching):
 * method inspection (RFC 3261 §8.2.1), digest authentication, identity checks against the directory, then REGISTER
 * (each binding a presence endpoint, SipEndpoints), OPTIONS, SUBSCRIBE (SipSubscriptions), PUBLISH (SipPublications)
 * and MESSAGE (SipMessages). A NOTIFY from a client gets 481: this front subscribes to nobody.
 */
export class SipFrontService {
  private readonly logger = new Logger('SipFront');

  constructor(
    private readonly identities: SipIdentities,
    private readonly authentication: SipAuthentication,
    private readonly registrar: SipRegistrar,
    private readonly endpoints: SipEndpoints,
    private readonly subscriptions: SipSubscriptions,
    private readonly publications: SipPublications,
    private readonly messages: SipMessages,
  ) {}

  /** Answers `request` (undefined: it gets no response, e.g. a retransmission still in progress). */
  async handle(request: SipRequest, connection: SipConnection): Promise<SipResponse | undefined> {
    const match = connection.transactions.begin(request);
    if (match.kind === 'retransmission') return match.response;
    let response: SipResponse;
    try {
      response = await this.answer(request, connection);
    } catch (error) {
      // A header this stack reads only now (Contact, Expires …) may still be malformed.
      if (!(error instanceof SipParseError)) throw error;
      response = sipReply(request, 400, { headers: [sipWarning(error.message)] });
    }
    connection.transactions.complete(request, response);
    return response;
  }

  private async answer(request: SipRequest, connection: SipConnection): Promise<SipResponse> {
    if (request.method === 'CANCEL') return this.cancel(request, connection);
    if (CALL_METHODS.has(request.method)) return sipReply(request, 405, { headers: [['Allow', ALLOW]] });
    if (!ALLOWED.has(request.method)) return sipReply(request, 501, { headers: [['Allow', ALLOW]] });
    if (request.uri.kind !== 'sip') return sipReply(request, 416, { headers: [sipWarning('only sip: and sips: URIs are served')] });
    // A sips: URI asks for TLS on every hop (RFC 3261 §26.2.2, RFC 5630); plain TCP is not. WebSocket is let through: a
    // proxy in front of /sip may have ended TLS (wss:), which the front cannot see (docs/sip.md).
    if (request.uri.scheme === 'sips' && connection.transport === 'TCP') {
      return sipReply(request, 416, { headers: [sipWarning('a sips: URI needs SIP over TLS')] });
    }

    const auth = await this.authentication.authenticate(request, connection.clientAddress);
    switch (auth.kind) {
      case 'challenge':
        return sipReply(request, 401, { headers: auth.challenges.map((value) => ['WWW-Authenticate', value] as const) });
      case 'throttled':
        // SIP has no 429. 403 says "authorization will not help, do not repeat" (RFC 3261 §21.4.4); Retry-After tells
        // a client that reads it when its address may try again (docs/sip.md).
        return sipReply(request, 403, {
          reason: 'Too Many Failed Sign-ins',
          headers: [['Retry-After', String(auth.retryAfterSeconds)], sipWarning('too many failed sign-ins from this address')],
        });
      case 'malformed':
        return sipReply(request, 400, { headers: [sipWarning(`unreadable credentials: ${auth.reason}`)] });
      case 'ok':
        break;
    }

    // Every request of a registered client is activity of its endpoints registered over this connection.
    this.endpoints.activity(auth.user, connection.id);
    if (request.method === 'REGISTER') return this.register(request, auth.user, connection);
    // RFC 6665 §4.1.3: a NOTIFY that matches no subscription of ours (we never subscribe).
    if (request.method === 'NOTIFY') return sipReply(request, 481);
    // A request to the domain itself (OPTIONS sip:parley.test) is for this server; one to a user needs the user whose SIP
    // URI it is (docs/sip.md, "Identities").
    const target = (await this.identities.byUri(request.uri)) ?? undefined;
    if (target === undefined && request.uri.user !== undefined) return sipReply(request, 404);
    if (request.method === 'OPTIONS') {
      return sipReply(request, 200, {
        headers: [
          ['Allow', ALLOW],
          ['Accept', ACCEPT],
          ['Supported', SUPPORTED],
          ['Allow-Events', SIP_ALLOW_EVENTS],
        ],
      });
    }
    if (request.method === 'SUBSCRIBE') {
      return this.subscriptions.handle(request, auth.user, target, connection);
    }
    if (request.method === 'PUBLISH') return this.publications.publish(request, auth.user, target);
    if (request.method === 'MESSAGE') return this.messages.receive(request, auth.user, target);
    return sipReply(request, 501, { reason: 'Not Implemented Yet', headers: [['Allow', ALLOW]] });
  }

  /**
   * RFC 3261 §9.2: a CANCEL that matches no transaction gets 481; one that does gets 200 but leaves the transaction
   * alone, since every method served here is non-INVITE and answered at once. Never challenged (§22.1).
   */
  private cancel(request: SipRequest, connection: SipConnection): SipResponse {
    return sipReply(request, connection.transactions.matchesCancel(request, SIP_ALLOWED_METHODS) ? 200 : 481);
  }

  /** RFC 3261 §10.3. */
  private async register(request: SipRequest, user: string, connection: SipConnection): Promise<SipResponse> {
    // RFC 3261 §10.3 step 3: an address-of-record this domain does not have is 404; another user's is not ours to bind.
    const to = (await this.identities.byUri(request.to().uri)) ?? null;
    if (to === null) return sipReply(request, 404, { headers: [sipWarning('To names no user of this directory')] });
    if (to.address !== user) return sipReply(request, 403, { headers: [sipWarning('To must name the authenticated user')] });
    const outcome = await this.endpoints.register(
      {
        aor: user,
        contacts: request.contacts(),
        expires: request.expires(),
        callId: request.callId(),
        cseq: request.cseq().seq,
        connectionId: connection.id,
      },
      endpointLabel(request),
    );
    switch (outcome.kind) {
      case 'ok':
        this.logger.debug(`${user} has ${outcome.bindings.length} SIP bindings`);
        return sipReply(request, 200, { headers: outcome.bindings.map((binding) => ['Contact', this.contactOf(binding)] as const) });
      case 'interval-too-brief':
        return sipReply(request, 423, { headers: [['Min-Expires', String(outcome.minExpires)]] });
      case 'too-many':
        return sipReply(request, 403, { headers: [sipWarning(`at most ${outcome.max} registrations per user`)] });
      case 'too-many-endpoints':
        // The core's limit over every front and replica (PARLEY_PRESENCE_MAX_ENDPOINTS_PER_USER): refused like the
        // registrar's own, since the binding would be an endpoint that does not count (docs/sip.md).
        return sipReply(request, 403, { headers: [sipWarning(outcome.reason)] });
      case 'invalid':
        return sipReply(request, 400, { headers: [sipWarning(outcome.reason)] });
    }
  }

  /** A binding as the 200 lists it: its URI and parameters as registered, `expires` set to the seconds left. */
  private contactOf(binding: SipBinding): string {
    return `${formatNameAddr(binding.contact, 'expires')};expires=${this.registrar.secondsLeft(binding)}`;
  }
}

/** What the presence core calls the endpoint: the client's User-Agent when it names one. */
function endpointLabel(request: SipRequest): string {
  const agent = request.headers.get('User-Agent')?.trim();
  return agent ? `SIP ${agent}` : 'SIP';
}

function formatNameAddr(value: NameAddr, without: string): string {
  let out = `<${formatUri(value.uri)}>`;
  for (const [name, param] of value.params) {
    if (name === without) continue;
    out += param === null ? `;${name}` : `;${name}=${TOKEN.test(param) ? param : `"${param.replace(/["\\]/g, (c) => `\\${c}`)}"`}`;
  }
  return out;
}
