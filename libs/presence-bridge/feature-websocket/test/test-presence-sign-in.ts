import { ClientAddressResolver, SignInThrottle } from '@parley/sign-in';
import type { IncomingMessage } from 'node:http';
import { PresenceSignIn, PresenceSignInRefused, type PresenceSocketUser } from '../src';

/**
 * Basic against a fixed table of passwords and bearer tokens, through the shared sign-in throttle
 * (the same budgets as EWS): what the real authenticator does, without the directory.
 */
export class TestPresenceSignIn extends PresenceSignIn {
  // The test clients connect from 127.0.0.1 and say who they are in X-Forwarded-For, so throttling one leaves the others alone.
  private readonly addresses = new ClientAddressResolver(['127.0.0.1']);
  readonly throttle: SignInThrottle;

  constructor(
    private readonly passwords: ReadonlyMap<string, string>,
    private readonly tokens: ReadonlyMap<string, string> = new Map(),
    budget = { maxFailuresPerAddress: 5 },
  ) {
    super();
    this.throttle = new SignInThrottle({
      windowMs: 60_000,
      maxFailuresPerAccountAddress: budget.maxFailuresPerAddress,
      maxFailuresPerAddress: budget.maxFailuresPerAddress,
      accountDelayStepMs: 0,
      accountMaxDelayMs: 0,
    });
  }

  async authenticate(req: IncomingMessage): Promise<PresenceSocketUser> {
    const header = req.headers.authorization;
    const client = this.addresses.resolve({ peer: req.socket.remoteAddress, forwardedFor: req.headers['x-forwarded-for'] });
    const bearer = /^Bearer (\S+)$/i.exec(header ?? '');
    const basic = /^Basic (\S+)$/i.exec(header ?? '');
    if (!bearer && !basic) throw new PresenceSignInRefused('unauthenticated', 'credentials are required', undefined, true);
    let account: string | undefined;
    let verify: () => Promise<string | null>;
    if (bearer) {
      verify = async () => this.tokens.get(bearer[1]) ?? null;
    } else {
      const decoded = Buffer.from(basic?.[1] ?? '', 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      account = decoded.slice(0, Math.max(0, colon)).toLowerCase();
      const password = decoded.slice(colon + 1);
      verify = async () => (colon > 0 && this.passwords.get(account ?? '') === password ? (account ?? null) : null);
    }
    const result = await this.throttle.attempt(account, client, verify);
    if (result.outcome === 'refused') throw new PresenceSignInRefused('throttled', 'too many failed sign-ins', result.retryAfterMs);
    if (result.outcome === 'rejected') throw new PresenceSignInRefused('unauthenticated', 'the credentials were rejected', undefined, true);
    return { mailbox: result.user };
  }
}
