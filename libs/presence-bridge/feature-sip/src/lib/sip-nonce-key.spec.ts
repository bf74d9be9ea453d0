import type { SipConfig } from '@parley/config';
import { DigestAuthenticator, type DigestOutcome } from '@parley/presence-bridge/sip';
import { createHash, randomBytes } from 'node:crypto';
import { sipFrontOptionsFrom, sipNonceKeyFrom } from './sip-nonce-key';

const REALM = 'parley.test';
const USER = 'alice@parley.test';
const PASSWORD = 'correct horse';
const TOKEN_KEY = 'a bearer-token key of at least 32 characters';
const sip: SipConfig = {
  realm: REALM,
  tcpHost: '0.0.0.0',
  tcpPort: 5060,
  tlsPort: 5061,
  tls: undefined,
  maxRequestsPerSecond: 20,
  maxConnectionsPerAddress: 100,
  registerMinExpires: 60,
  registerMaxExpires: 3600,
  maxRegistrationsPerUser: 10,
  maxSubscriptionsPerUser: 200,
};

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** One replica's digest check, with the nonce key its options carry (random when they carry none, as the front does). */
function replica(nonceKey: Buffer | undefined): DigestAuthenticator {
  return new DigestAuthenticator({
    realm: REALM,
    nonceKey: nonceKey ?? randomBytes(32),
    lookupHa1: async (username, realm, algorithm) =>
      username === USER && algorithm === 'MD5' ? Buffer.from(md5(`${USER}:${realm}:${PASSWORD}`), 'hex') : undefined,
  });
}

/** REGISTER with the right password over the nonce (and opaque) of `challenge`, answered by `verifier`; MD5 computed here. */
async function answerWith(verifier: DigestAuthenticator, challenge: string): Promise<DigestOutcome> {
  const param = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(challenge)?.[1] ?? '';
  const [nonce, opaque, uri, cnonce, nc] = [param('nonce'), param('opaque'), `sip:${REALM}`, '0a4f113b', '00000001'];
  const response = md5(`${md5(`${USER}:${REALM}:${PASSWORD}`)}:${nonce}:${nc}:${cnonce}:auth:${md5(`REGISTER:${uri}`)}`);
  const credentials = `Digest username="${USER}", realm="${REALM}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}", opaque="${opaque}"`;
  return verifier.verify({ method: 'REGISTER', requestUri: uri, credentials: [credentials] });
}

/** The MD5 challenge (the last header) a replica sends to a request without credentials. */
async function challengeOf(issuer: DigestAuthenticator): Promise<string> {
  const outcome = await issuer.verify({ method: 'REGISTER', requestUri: `sip:${REALM}`, credentials: [] });
  if (outcome.kind !== 'challenge') throw new Error(`expected a challenge, got ${outcome.kind}`);
  return outcome.challenges[outcome.challenges.length - 1];
}

describe('the SIP digest nonce key', () => {
  it('is the same for two option sets built from the same configuration, and another token key gives another', () => {
    const a = sipFrontOptionsFrom(sip, { tokenKey: TOKEN_KEY });
    const b = sipFrontOptionsFrom(sip, { tokenKey: TOKEN_KEY });
    expect(a.nonceKey).toHaveLength(32);
    expect(a.nonceKey?.equals(b.nonceKey as Buffer)).toBe(true);
    expect(sipNonceKeyFrom(`${TOKEN_KEY}!`)?.equals(a.nonceKey as Buffer)).toBe(false);
    expect(a).toEqual(expect.objectContaining(sip));
  });

  it("lets replica B take replica A's nonce as its own: a right password is only stale there, never a forged nonce", async () => {
    const [a, b] = [
      replica(sipFrontOptionsFrom(sip, { tokenKey: TOKEN_KEY }).nonceKey),
      replica(sipFrontOptionsFrom(sip, { tokenKey: TOKEN_KEY }).nonceKey),
    ];
    const challenge = await challengeOf(a);
    expect(await answerWith(a, challenge)).toEqual(expect.objectContaining({ kind: 'ok', username: USER }));
    // B did not issue the nonce, so it does not know its counts: a silent retry (stale=true), not a password prompt.
    const onB = await answerWith(b, challenge);
    expect(onB).toEqual(expect.objectContaining({ kind: 'challenge', stale: true }));
    expect(await answerWith(b, await challengeOf(b))).toEqual(expect.objectContaining({ kind: 'ok' }));
  });

  it('without a token key each process has its own: the other replica refuses the nonce as forged', async () => {
    const options = sipFrontOptionsFrom(sip, { tokenKey: undefined });
    expect(options.nonceKey).toBeUndefined();
    const [a, b] = [replica(options.nonceKey), replica(sipFrontOptionsFrom(sip, undefined).nonceKey)];
    expect(await answerWith(b, await challengeOf(a))).toEqual(expect.objectContaining({ kind: 'invalid', reason: 'forged-nonce' }));
  });
});
