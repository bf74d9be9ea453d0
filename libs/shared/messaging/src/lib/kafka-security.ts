import { ConfigError, type KafkaSecurityConfig } from '@parley/config';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { connect, createSecureContext, type ConnectionOptions } from 'node:tls';

/** kafkajs' `ssl` and `sasl` options, given to every Kafka client a process makes. */
export type KafkaClientSecurity = Pick<KafkaConfig, 'ssl' | 'sasl'>;

/**
 * Turns the bus's security settings into kafkajs' `ssl` / `sasl` options, reading the PEM files
 * now: a process learns at start, naming the variable, that a file is missing, unreadable or not
 * what it should be, rather than from a TLS error on every connection attempt.
 */
export function kafkaClientSecurity(security: KafkaSecurityConfig | undefined): KafkaClientSecurity {
  const options: KafkaClientSecurity = {};
  if (security?.tls) options.ssl = tlsOptions(security.tls);
  if (security?.sasl) options.sasl = saslOptions(security.sasl);
  return options;
}

function tlsOptions(tls: NonNullable<KafkaSecurityConfig['tls']>): true | ConnectionOptions {
  const problems: string[] = [];
  const ca = tls.caFile === undefined ? undefined : readPem('KAFKA_SSL_CA_FILE', tls.caFile, 'CERTIFICATE', problems);
  const client = tls.clientCertificate;
  const cert = client && readPem('KAFKA_SSL_CERT_FILE', client.certFile, 'CERTIFICATE', problems);
  const key = client && readPem('KAFKA_SSL_KEY_FILE', client.keyFile, 'PRIVATE KEY', problems);
  if (problems.length) throw new ConfigError(problems);
  // No CA and no client certificate: Node's defaults, its built-in public CAs, with verification.
  if (ca === undefined && cert === undefined) return true;
  const options: ConnectionOptions = { ca, cert, key };
  try {
    // What a connection would do with them: a certificate Node cannot parse, or a key that is not the certificate's, fails here.
    createSecureContext(options);
  } catch (error) {
    const keys = cert === undefined ? 'KAFKA_SSL_CA_FILE' : 'KAFKA_SSL_CERT_FILE / KAFKA_SSL_KEY_FILE';
    throw new ConfigError([`${keys}: not usable for TLS (${(error as Error).message})`]);
  }
  return options;
}

/** PEM block labels a file may hold, by what it should hold (PKCS#8, and the PKCS#1 / SEC 1 forms openssl also writes). */
const pemLabels = { CERTIFICATE: ['CERTIFICATE'], 'PRIVATE KEY': ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY'] } as const;

/** The file's text if it holds a PEM block of `kind`; else a problem naming `key` (never the content). */
function readPem(key: string, file: string, kind: keyof typeof pemLabels, problems: string[]): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(`${key}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    return undefined;
  }
  if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) {
    problems.push(`${key}: ${file} holds an encrypted key; give the key unencrypted (as Strimzi's user.key is)`);
  } else if (!pemLabels[kind].some((label) => text.includes(`-----BEGIN ${label}-----`))) {
    problems.push(`${key}: ${file} holds no PEM ${kind.toLowerCase()} (a -----BEGIN ${kind}----- block)`);
  }
  return text;
}

function saslOptions({ mechanism, username, password }: NonNullable<KafkaSecurityConfig['sasl']>): SASLOptions {
  // One branch per mechanism: kafkajs types each mechanism's options separately.
  switch (mechanism) {
    case 'plain':
      return { mechanism, username, password };
    case 'scram-sha-256':
      return { mechanism, username, password };
    case 'scram-sha-512':
      return { mechanism, username, password };
  }
}

/** Node's codes for a broker certificate the client does not accept: a setting to fix, never a broker still starting. */
const certificateRefusals: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A broker whose TLS certificate this process does not accept (KAFKA_SSL_CA_FILE, or the broker's certificate, is wrong). */
export class KafkaCertificateError extends Error {
  override readonly name = 'KafkaCertificateError';
}

/**
 * One TLS handshake with each bootstrap broker before the Kafka clients start. kafkajs takes a
 * certificate it cannot verify for a connection failure and retries it for minutes; this turns it
 * into a start-up failure that says what is wrong. A broker that cannot be reached is left to
 * kafkajs' retries (it may still be starting).
 */
export async function refuseUntrustedBrokers(brokers: readonly string[], security: KafkaClientSecurity, timeoutMs = 5_000): Promise<void> {
  if (!security.ssl) return;
  const options: ConnectionOptions = security.ssl === true ? {} : security.ssl;
  await Promise.all(brokers.map((broker) => handshake(broker, options, timeoutMs)));
}

function handshake(broker: string, options: ConnectionOptions, timeoutMs: number): Promise<void> {
  const at = broker.lastIndexOf(':');
  const host = broker.slice(0, at);
  const port = Number(broker.slice(at + 1));
  return new Promise((resolve, reject) => {
    // As kafkajs connects: SNI with a host name, none with an address.
    const socket = connect({ ...options, host, port, ...(isIP(host) ? {} : { servername: host }) });
    let settled = false;
    const done = (error?: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => done());
    socket.once('secureConnect', () => done());
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === undefined || !certificateRefusals.has(error.code)) return done();
      done(
        new KafkaCertificateError(
          `Kafka broker ${broker}: its TLS certificate is not accepted (${error.message}); it must be signed by the CA in KAFKA_SSL_CA_FILE (without it, by a public CA) and name the host in KAFKA_BROKERS`,
        ),
      );
    });
  });
}
