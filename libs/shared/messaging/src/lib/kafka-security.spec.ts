import { ConfigError } from '@parley/config';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, Server } from 'node:tls';
import { generate } from 'selfsigned';
import { kafkaClientSecurity, KafkaCertificateError, refuseUntrustedBrokers } from './kafka-security';

let dir: string;
let ca: string;
let userCert: string;
let userKey: string;
let otherKey: string;

const file = (name: string, text: string) => {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
};

const problemsOf = ConfigError.problemsOf;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-kafka-security-'));
  const user = await generate([{ name: 'commonName', value: 'parley' }], { keyType: 'ec' });
  const other = await generate([{ name: 'commonName', value: 'someone-else' }], { keyType: 'ec' });
  ca = file('ca.crt', user.cert);
  userCert = file('user.crt', user.cert);
  userKey = file('user.key', user.private);
  otherKey = file('other.key', other.private);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kafkaClientSecurity', () => {
  it('gives plaintext clients nothing, and TLS against the public CAs as `ssl: true`', () => {
    expect(kafkaClientSecurity(undefined)).toEqual({});
    expect(kafkaClientSecurity({ tls: undefined, sasl: undefined })).toEqual({});
    expect(kafkaClientSecurity({ tls: { caFile: undefined, clientCertificate: undefined }, sasl: undefined })).toEqual({ ssl: true });
  });

  it('trusts the CA file instead of the public CAs and presents the client certificate', () => {
    const { ssl } = kafkaClientSecurity({
      tls: { caFile: ca, clientCertificate: { certFile: userCert, keyFile: userKey } },
      sasl: undefined,
    });
    expect(ssl).toEqual({ ca: expect.stringContaining('-----BEGIN CERTIFICATE-----'), cert: expect.any(String), key: expect.any(String) });
    // Verification stays on: nothing here may relax it.
    expect(ssl).not.toHaveProperty('rejectUnauthorized');
  });

  it('passes the SASL mechanism and credentials', () => {
    expect(kafkaClientSecurity({ tls: undefined, sasl: { mechanism: 'scram-sha-512', username: 'parley', password: 'pw' } })).toEqual({
      sasl: { mechanism: 'scram-sha-512', username: 'parley', password: 'pw' },
    });
  });

  it('names the variable of a file it cannot read', () => {
    const missing = path.join(dir, 'missing.crt');
    expect(problemsOf(() => kafkaClientSecurity({ tls: { caFile: missing, clientCertificate: undefined }, sasl: undefined }))).toEqual([
      `KAFKA_SSL_CA_FILE: cannot read ${missing} (ENOENT)`,
    ]);
  });

  it('names a file that holds something else, and an encrypted key, without echoing either', () => {
    const notPem = file('ca.txt', 'hunter2');
    const encrypted = file('enc.key', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n');
    const problems = problemsOf(() =>
      kafkaClientSecurity({ tls: { caFile: notPem, clientCertificate: { certFile: userKey, keyFile: encrypted } }, sasl: undefined }),
    );
    expect(problems).toEqual([
      `KAFKA_SSL_CA_FILE: ${notPem} holds no PEM certificate (a -----BEGIN CERTIFICATE----- block)`,
      `KAFKA_SSL_CERT_FILE: ${userKey} holds no PEM certificate (a -----BEGIN CERTIFICATE----- block)`,
      `KAFKA_SSL_KEY_FILE: ${encrypted} holds an encrypted key; give the key unencrypted (as Strimzi's user.key is)`,
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('refuses a key that is not the certificate’s at start', () => {
    const problems = problemsOf(() =>
      kafkaClientSecurity({ tls: { caFile: undefined, clientCertificate: { certFile: userCert, keyFile: otherKey } }, sasl: undefined }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^KAFKA_SSL_CERT_FILE \/ KAFKA_SSL_KEY_FILE: not usable for TLS \(.*key values mismatch/),
    ]);
  });
});

describe('refuseUntrustedBrokers', () => {
  let server: Server;
  let broker: string;

  beforeAll(async () => {
    // A TLS endpoint with the "user" certificate, which names no host: what a broker with the wrong certificate looks like.
    server = createServer({ cert: readFileSync(userCert), key: readFileSync(userKey) }, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    broker = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses a broker whose certificate no trusted CA signed, naming the broker and the variable', async () => {
    const refusal = refuseUntrustedBrokers([broker], { ssl: true });
    await expect(refusal).rejects.toBeInstanceOf(KafkaCertificateError);
    await expect(refusal).rejects.toThrow(
      new RegExp(`^Kafka broker ${broker}: its TLS certificate is not accepted \\(.*KAFKA_SSL_CA_FILE`),
    );
  });

  it('refuses a certificate from the trusted CA that does not name the broker’s host', async () => {
    await expect(refuseUntrustedBrokers([broker], { ssl: { ca: readFileSync(ca, 'utf8') } })).rejects.toThrow(
      /does not match certificate's altnames/,
    );
  });

  it('leaves a broker it cannot reach to the Kafka client’s retries, and checks nothing without TLS', async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(refuseUntrustedBrokers([`127.0.0.1:${port}`], { ssl: true })).resolves.toBeUndefined();
    await expect(refuseUntrustedBrokers([broker], {})).resolves.toBeUndefined();
  });
});
