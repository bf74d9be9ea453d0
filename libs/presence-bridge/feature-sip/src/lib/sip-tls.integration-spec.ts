import { loadTlsPair, type TlsPair } from '@parley/tls';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { RawSipAgent } from '../../test/raw-sip-agent';
import { RawSipClient, REALM, type SipFrontTestBed, startSipFrontTestBed } from '../../test/sip-front-test-bed';

const MAX_CONNECTIONS_PER_ADDRESS = 3;
const HANDSHAKE_TIMEOUT_MS = 500;
const ALICE = 'alice@parley.test';
const ALICE_SIPS = `sips:alice@${REALM}`;

let dir: string;
let first: TlsPair;
let second: TlsPair;
let files: { certFile: string; keyFile: string };
let bed: SipFrontTestBed;

/** Two certificates made with the repo's self-signed helper, the first one configured as the operator's files. */
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-sip-tls-'));
  first = await loadTlsPair({ files: undefined, selfSigned: { dir, hostname: 'sip.parley.test', name: 'first' } });
  second = await loadTlsPair({ files: undefined, selfSigned: { dir, hostname: 'sip2.parley.test', name: 'second' } });
  files = { certFile: path.join(dir, 'sip-cert.pem'), keyFile: path.join(dir, 'sip-key.pem') };
  copyFileSync(path.join(dir, 'first-cert.pem'), files.certFile);
  copyFileSync(path.join(dir, 'first-key.pem'), files.keyFile);
  bed = await startSipFrontTestBed({
    tls: files,
    maxConnectionsPerAddress: MAX_CONNECTIONS_PER_ADDRESS,
    tlsHandshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
  });
}, 60_000);

afterAll(async () => {
  await bed?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Alice, signed in over SIP over TLS and naming herself by a sips: URI. */
const aliceOverTls = () => RawSipAgent.openTls(bed.tlsPort, first.cert, { user: ALICE, self: ALICE_SIPS });

function fingerprintOf(socket: TLSSocket): string {
  return new X509Certificate(socket.getPeerX509Certificate()?.raw ?? Buffer.alloc(0)).fingerprint256;
}

describe('SIP over TLS', () => {
  it('registers with digest over TLS under a sips: URI, verified against the configured certificate', async () => {
    const alice = await aliceOverTls();
    try {
      expect(fingerprintOf(alice.client.socket as TLSSocket)).toBe(new X509Certificate(first.cert).fingerprint256);
      const contact = '<sips:alice@phone.invalid>';
      const ok = await alice.request('REGISTER', `sips:${REALM}`, {
        to: `<${ALICE_SIPS}>`,
        headers: [`Contact: ${contact}`, 'Expires: 300'],
      });
      expect(ok.status).toBe(200);
      expect(ok.header('Contact')).toEqual([expect.stringMatching(/^<sips:alice@phone\.invalid>;expires=(300|29\d)$/)]);
      expect(ok.header('Via')[0]).toMatch(/^SIP\/2\.0\/TLS client\.invalid/);
      expect(bed.server.registrar.bindingsOf(ALICE)).toHaveLength(1);
    } finally {
      alice.close();
    }
  });

  it('sends its own requests over TLS with a TLS Via, and answers a sips: SUBSCRIBE with a sips: Contact', async () => {
    const alice = await aliceOverTls();
    try {
      const ok = await alice.request('SUBSCRIBE', ALICE_SIPS, {
        headers: ['Event: presence', 'Contact: <sips:alice@phone.invalid>', 'Expires: 600'],
      });
      expect(ok.status).toBe(200);
      expect(ok.header('Contact')).toEqual([`<sips:${REALM}>`]);
      const notify = await alice.nextRequest();
      expect(notify.startLine).toBe('NOTIFY sips:alice@phone.invalid SIP/2.0');
      expect(notify.header('Via')[0]).toMatch(/^SIP\/2\.0\/TLS 127\.0\.0\.1:\d+;rport;branch=z9hG4bK/);
    } finally {
      alice.close();
    }
  });

  it('refuses a sips: Request-URI over plain TCP with 416', async () => {
    const alice = await RawSipAgent.open(bed.tcpPort, { user: ALICE, self: ALICE_SIPS });
    try {
      // Before any challenge: no credentials should travel for a request that cannot be served here.
      const refused = await alice.unsigned('OPTIONS', `sips:${REALM}`, { to: `<${ALICE_SIPS}>` });
      expect(refused.status).toBe(416);
      expect(refused.header('Warning')[0]).toContain('sips: URI needs SIP over TLS');
    } finally {
      alice.close();
    }
  });

  it('counts handshakes against the per-address cap and drops a client that never finishes its handshake', async () => {
    const silent: Socket[] = [];
    for (let i = 0; i < MAX_CONNECTIONS_PER_ADDRESS; i++) {
      silent.push(
        await new Promise<Socket>((resolve, reject) => {
          const socket = connect({ port: bed.tlsPort, host: '127.0.0.1' }, () => resolve(socket));
          socket.once('error', reject);
        }),
      );
    }
    const closed = silent.map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())));
    // Past the cap: the next connection is dropped before any handshake.
    await expect(RawSipClient.openTls(bed.tlsPort, first.cert)).rejects.toThrow();
    // The silent ones are dropped once their handshake time is up (bounded generously for a loaded machine).
    const within = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 10_000).unref());
    expect(await Promise.race([Promise.all(closed).then(() => 'closed' as const), within])).toBe('closed');
    const client = await waitForAdmission();
    client.close();
  });

  it('reads the files again on SIGHUP for new connections, and keeps the old pair when the new one is broken', async () => {
    const before = await RawSipClient.openTls(bed.tlsPort, first.cert);
    writeFileSync(files.certFile, second.cert);
    writeFileSync(files.keyFile, second.key);
    // The front's SIGHUP listener, called as the signal would call it. Not `process.emit`: inside a Jest worker that
    // does not always reach the listeners `process.listeners` shows (seen when several suites share the run).
    const hangup = process.listeners('SIGHUP');
    expect(hangup).toHaveLength(1);
    for (const listener of hangup) listener('SIGHUP');
    const after = await until(() => RawSipClient.openTls(bed.tlsPort, second.cert, 'sip2.parley.test'));
    expect(fingerprintOf(after.socket as TLSSocket)).toBe(new X509Certificate(second.cert).fingerprint256);
    after.close();
    // The connection made before the reload goes on with its own session.
    before.send('\r\n\r\n');
    await until(async () => {
      if (before.leftover !== '\r\n') throw new Error('no pong yet');
    });
    before.close();

    writeFileSync(files.keyFile, first.key);
    expect(await bed.server.reloadTls()).toBe(false);
    const still = await RawSipClient.openTls(bed.tlsPort, second.cert, 'sip2.parley.test');
    still.close();
  });
});

describe('SIP over TLS without a certificate', () => {
  it('is off: no TLS listener even with a TLS port set', async () => {
    const plain = await startSipFrontTestBed({ tlsPort: bed.tlsPort + 1 });
    try {
      expect(plain.server.tlsPort()).toBeUndefined();
      await expect(
        new Promise<void>((resolve, reject) => {
          const socket = tlsConnect({ port: bed.tlsPort + 1, host: '127.0.0.1', rejectUnauthorized: false }, () => resolve());
          socket.once('error', reject);
        }),
      ).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await plain.close();
    }
  });
});

/** Retries `attempt` until it succeeds (a connection closing frees its slot a moment after the client sees the close). */
async function until<T>(attempt: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function waitForAdmission(): Promise<RawSipClient> {
  return until(() => RawSipClient.openTls(bed.tlsPort, first.cert));
}
