import { ConfigError, parseEnv } from './env';
import { toRuntimeConfig } from './runtime-config';
import { serviceEnvSchema } from './service-env';

const base = { KAFKA_BROKERS: 'kafka-0.kafka:9093', DATABASE_URL: 'postgres://x/y' };

/** calendar-sync started with `env` on top of a runnable base: its Kafka security, or what it refuses. */
function securityOf(env: Record<string, string>) {
  const parsed = parseEnv(serviceEnvSchema('calendar-sync'), { ...base, ...env });
  return toRuntimeConfig('calendar-sync', '0.0.0', parsed, { services: ['calendar-sync'], requireDatabaseUrl: true }).bus.security;
}

const problemsOf = (env: Record<string, string>) => ConfigError.problemsOf(() => securityOf(env));

describe('Kafka TLS and SASL settings', () => {
  it('is plaintext and unauthenticated when nothing is set', () => {
    expect(securityOf({})).toEqual({ tls: undefined, sasl: undefined });
  });

  it('verifies against the public CAs with KAFKA_SSL=true alone', () => {
    expect(securityOf({ KAFKA_SSL: 'true' })).toEqual({ tls: { caFile: undefined, clientCertificate: undefined }, sasl: undefined });
  });

  it('turns TLS on when a CA or client certificate file is named, and refuses that with KAFKA_SSL=false', () => {
    expect(securityOf({ KAFKA_SSL_CA_FILE: '/etc/parley/kafka/ca.crt' })?.tls).toEqual({
      caFile: '/etc/parley/kafka/ca.crt',
      clientCertificate: undefined,
    });
    expect(securityOf({ KAFKA_SSL_CA_FILE: '/ca.crt', KAFKA_SSL_CERT_FILE: '/user.crt', KAFKA_SSL_KEY_FILE: '/user.key' })?.tls).toEqual({
      caFile: '/ca.crt',
      clientCertificate: { certFile: '/user.crt', keyFile: '/user.key' },
    });
    expect(problemsOf({ KAFKA_SSL: 'false', KAFKA_SSL_CA_FILE: '/ca.crt' })).toEqual([
      'KAFKA_SSL: is false, but a KAFKA_SSL_*_FILE is set (they are used only with TLS)',
    ]);
  });

  it('wants the client certificate and its key together', () => {
    expect(problemsOf({ KAFKA_SSL_CERT_FILE: '/user.crt' })).toEqual([
      'KAFKA_SSL_CERT_FILE: set together with KAFKA_SSL_KEY_FILE (the client certificate for mutual TLS), or neither',
    ]);
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_KEY_FILE: '/user.key' })[0]).toMatch(/^KAFKA_SSL_CERT_FILE: set together/);
  });

  it('maps SCRAM over TLS, the setting of Strimzi and managed clusters', () => {
    expect(
      securityOf({
        KAFKA_SSL_CA_FILE: '/ca.crt',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'parley',
        KAFKA_SASL_PASSWORD: 'pw-from-a-secret',
      }),
    ).toEqual({
      tls: { caFile: '/ca.crt', clientCertificate: undefined },
      sasl: { mechanism: 'scram-sha-512', username: 'parley', password: 'pw-from-a-secret' },
    });
  });

  it('needs a user name and a password with a mechanism, and a mechanism with either', () => {
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-256' })).toEqual([
      'KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM=scram-sha-256',
      'KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM=scram-sha-256',
    ]);
    expect(problemsOf({ KAFKA_SASL_USERNAME: 'parley', KAFKA_SASL_PASSWORD: 'pw' })).toEqual([
      'KAFKA_SASL_MECHANISM: required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set (scram-sha-512, scram-sha-256 or plain)',
    ]);
  });

  it('refuses PLAIN without TLS (the password would cross the network as it is), and allows SCRAM without it', () => {
    const credentials = { KAFKA_SASL_USERNAME: 'parley', KAFKA_SASL_PASSWORD: 'pw' };
    expect(problemsOf({ ...credentials, KAFKA_SASL_MECHANISM: 'plain' })).toEqual([
      'KAFKA_SASL_MECHANISM: plain sends the password as it is; use it only with KAFKA_SSL=true',
    ]);
    expect(securityOf({ ...credentials, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SSL: 'true' })?.sasl?.mechanism).toBe('plain');
    expect(securityOf({ ...credentials, KAFKA_SASL_MECHANISM: 'scram-sha-256' })).toEqual({
      tls: undefined,
      sasl: { mechanism: 'scram-sha-256', username: 'parley', password: 'pw' },
    });
  });

  it('names an unknown mechanism and never echoes the password', () => {
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'gssapi' })[0]).toMatch(/^KAFKA_SASL_MECHANISM: .*"gssapi"/);
    const problems = problemsOf({ KAFKA_SSL: 'maybe', KAFKA_SASL_PASSWORD: 'hunter2' });
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problems.map((p) => p.split(':')[0])).toContain('KAFKA_SSL');
  });
});
