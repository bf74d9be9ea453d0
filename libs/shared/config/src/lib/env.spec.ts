import { ConfigError, parseEnv } from './env';
import { toRuntimeConfig } from './runtime-config';
import { serviceEnvSchema } from './service-env';

const schema = serviceEnvSchema('calendar-sync');
const gatewaySchema = serviceEnvSchema('ews-gateway');
const calendarSync = { services: ['calendar-sync'], requireDatabaseUrl: true } as const;
const gateway = { services: ['ews-gateway'], requireDatabaseUrl: false, idSecret: 'g'.repeat(43) } as const;

const problemsOf = ConfigError.problemsOf;

describe('service environment', () => {
  it('applies defaults', () => {
    const env = parseEnv(schema, { KAFKA_BROKERS: '127.0.0.1:9092' });
    expect(env.PARLEY_HTTP_PORT).toBe(8084);
    expect(env.PARLEY_HTTP_HOST).toBe('127.0.0.1');
    expect(env.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(env.PARLEY_DB_MIGRATE).toBe(false);
  });

  it('applies the HTTP front limits and the metrics listener defaults, and refuses metrics on the public port', () => {
    const env = parseEnv(schema, { KAFKA_BROKERS: '127.0.0.1:9092', DATABASE_URL: 'postgres://x/y' });
    const config = toRuntimeConfig('calendar-sync', '0.0.0', env, calendarSync);
    expect(config.http).toMatchObject({ bodyTimeoutMs: 30_000, maxConnections: 4096 });
    expect(config.metrics).toEqual({ host: '0.0.0.0', port: 9084 });
    expect(problemsOf(() => parseEnv(schema, { PARLEY_HTTP_BODY_TIMEOUT_MS: '10', PARLEY_HTTP_MAX_CONNECTIONS: '0' }))).toEqual([
      expect.stringMatching(/^PARLEY_HTTP_BODY_TIMEOUT_MS/),
      expect.stringMatching(/^PARLEY_HTTP_MAX_CONNECTIONS/),
    ]);
    const clash = parseEnv(schema, {
      KAFKA_BROKERS: 'k:9092',
      DATABASE_URL: 'postgres://x/y',
      PARLEY_HTTP_PORT: '9000',
      PARLEY_METRICS_PORT: '9000',
    });
    expect(problemsOf(() => toRuntimeConfig('calendar-sync', '0.0.0', clash, calendarSync))).toEqual([
      expect.stringMatching(/^PARLEY_METRICS_PORT: must differ/),
    ]);
    const off = parseEnv(schema, { KAFKA_BROKERS: 'k:9092', DATABASE_URL: 'postgres://x/y', PARLEY_METRICS_PORT: '0' });
    expect(toRuntimeConfig('calendar-sync', '0.0.0', off, calendarSync).metrics.port).toBe(0);
  });

  it('reads the shutdown timings and refuses a delay that eats the whole grace', () => {
    const base = { KAFKA_BROKERS: 'k:9092', DATABASE_URL: 'postgres://x/y' };
    const defaults = toRuntimeConfig('calendar-sync', '0.0.0', parseEnv(schema, base), calendarSync);
    expect(defaults.shutdown).toEqual({ delayMs: 5000, graceMs: 25_000 });
    const short = parseEnv(schema, { ...base, PARLEY_SHUTDOWN_DELAY_MS: '300', PARLEY_SHUTDOWN_GRACE_MS: '10000' });
    expect(toRuntimeConfig('calendar-sync', '0.0.0', short, calendarSync).shutdown).toEqual({ delayMs: 300, graceMs: 10_000 });
    const eaten = parseEnv(schema, { ...base, PARLEY_SHUTDOWN_DELAY_MS: '20000', PARLEY_SHUTDOWN_GRACE_MS: '20000' });
    expect(problemsOf(() => toRuntimeConfig('calendar-sync', '0.0.0', eaten, calendarSync))).toEqual([
      expect.stringMatching(/^PARLEY_SHUTDOWN_DELAY_MS: must be less than PARLEY_SHUTDOWN_GRACE_MS/),
    ]);
    expect(problemsOf(() => parseEnv(schema, { PARLEY_SHUTDOWN_GRACE_MS: '10' }))).toEqual([
      expect.stringMatching(/^PARLEY_SHUTDOWN_GRACE_MS/),
    ]);
  });

  it('names each bad variable', () => {
    const problems = problemsOf(() =>
      parseEnv(schema, { PARLEY_HTTP_PORT: 'eighty', PARLEY_BUS: 'carrier-pigeon', DATABASE_URL: 'mysql://x' }),
    );
    expect(problems.join('\n')).toMatch(/PARLEY_HTTP_PORT/);
    expect(problems.join('\n')).toMatch(/PARLEY_BUS/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL.*<redacted>/);
  });

  it('reads the sign-in throttling and the trusted proxies, naming a bad proxy entry', () => {
    const env = parseEnv(gatewaySchema, { PARLEY_TRUSTED_PROXIES: '10.0.0.0/8, ::1', PARLEY_SIGN_IN_ACCOUNT_MAX_DELAY_MS: '500' });
    expect(env.PARLEY_TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '::1']);
    expect(env.PARLEY_SIGN_IN_ACCOUNT_MAX_DELAY_MS).toBe(500);
    expect(parseEnv(gatewaySchema, {}).PARLEY_TRUSTED_PROXIES).toEqual([]);
    expect(problemsOf(() => parseEnv(gatewaySchema, { PARLEY_TRUSTED_PROXIES: '10.0.0.0/8,lb.internal' }))).toEqual([
      expect.stringMatching(/^PARLEY_TRUSTED_PROXIES: .*lb\.internal/),
    ]);
  });

  it('reads the push allow list as CIDRs and host names, naming a bad entry', () => {
    const env = parseEnv(gatewaySchema, { PARLEY_EWS_PUSH_ALLOWED: '127.0.0.1/32, 10.1.2.3, fd00::/8, Hooks.Example.Internal' });
    expect(env.PARLEY_EWS_PUSH_ALLOWED).toEqual({ cidrs: ['127.0.0.1/32', '10.1.2.3', 'fd00::/8'], hosts: ['hooks.example.internal'] });
    expect(parseEnv(gatewaySchema, {}).PARLEY_EWS_PUSH_ALLOWED).toEqual({ cidrs: [], hosts: [] });
    expect(problemsOf(() => parseEnv(gatewaySchema, { PARLEY_EWS_PUSH_ALLOWED: '10.0.0.0/33' }))).toEqual([
      expect.stringMatching(/^PARLEY_EWS_PUSH_ALLOWED: .*10\.0\.0\.0\/33/),
    ]);
    expect(problemsOf(() => parseEnv(gatewaySchema, { PARLEY_EWS_PUSH_ALLOWED: 'http://hooks.example' }))).toEqual([
      expect.stringMatching(/^PARLEY_EWS_PUSH_ALLOWED: /),
    ]);
  });

  it('refuses the replaced PARLEY_EWS_AUTH_* throttling keys, naming their successors', () => {
    const problems = problemsOf(() =>
      parseEnv(gatewaySchema, { PARLEY_EWS_AUTH_MAX_FAILURES_PER_ACCOUNT: '10', PARLEY_EWS_AUTH_FAILURE_WINDOW_MS: '1000' }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PARLEY_EWS_AUTH_MAX_FAILURES_PER_ACCOUNT: replaced by PARLEY_SIGN_IN_MAX_FAILURES_PER_ACCOUNT_ADDRESS/),
        expect.stringMatching(/^PARLEY_EWS_AUTH_FAILURE_WINDOW_MS: renamed to PARLEY_SIGN_IN_FAILURE_WINDOW_MS/),
      ]),
    );
  });

  it('requires brokers for the kafka bus and a database URL where asked', () => {
    const env = parseEnv(schema, {});
    const problems = problemsOf(() => toRuntimeConfig('calendar-sync', '0.0.0', env, calendarSync));
    expect(problems).toEqual([expect.stringMatching(/^KAFKA_BROKERS/), expect.stringMatching(/^DATABASE_URL/)]);
  });

  it('requires a long enough id secret for ews-gateway, falling back to the one the embedded mode keeps', () => {
    const env = parseEnv(gatewaySchema, { KAFKA_BROKERS: 'k:9092', DATABASE_URL: 'postgres://x/y' });
    expect(problemsOf(() => toRuntimeConfig('ews-gateway', '0.0.0', env, { services: ['ews-gateway'], requireDatabaseUrl: true }))).toEqual(
      [expect.stringMatching(/^PARLEY_ID_SECRET: required/)],
    );
    const calendarEnv = parseEnv(schema, { KAFKA_BROKERS: 'k:9092', DATABASE_URL: 'postgres://x/y', PARLEY_ID_SECRET: 'short' });
    expect(toRuntimeConfig('calendar-sync', '0.0.0', calendarEnv, calendarSync).ews).toBeUndefined();
    expect(
      toRuntimeConfig('ews-gateway', '0.0.0', env, { services: ['ews-gateway'], requireDatabaseUrl: true, idSecret: 'g'.repeat(43) }).ews
        ?.idSecret,
    ).toBe('g'.repeat(43));
    const configured = parseEnv(gatewaySchema, { KAFKA_BROKERS: 'k:9092', PARLEY_ID_SECRET: 's'.repeat(32) });
    expect(toRuntimeConfig('ews-gateway', '0.0.0', configured, gateway).ews?.idSecret).toBe('s'.repeat(32));
    expect(problemsOf(() => parseEnv(gatewaySchema, { PARLEY_ID_SECRET: 'short' }))[0]).toMatch(
      /^PARLEY_ID_SECRET: must be at least 32 characters \(got "<redacted>"\)/,
    );
  });

  it('takes the default working hours zone as a Windows id or an IANA zone, UTC unless set', () => {
    const zoneOf = (value?: string) =>
      toRuntimeConfig(
        'calendar-sync',
        '0.0.0',
        parseEnv(schema, { KAFKA_BROKERS: 'k:9092', PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE: value }),
        { ...calendarSync, requireDatabaseUrl: false },
      ).calendar?.defaultWorkingHoursTimeZone;
    expect(zoneOf()).toBe('UTC');
    expect(zoneOf('')).toBe('UTC');
    expect(zoneOf('Europe/Berlin')).toBe('W. Europe Standard Time');
    expect(zoneOf('pacific standard time')).toBe('Pacific Standard Time');
    expect(problemsOf(() => parseEnv(schema, { PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE: 'Mars/Olympus' }))[0]).toMatch(
      /^PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE: must be a Windows time zone id .*\(got "Mars\/Olympus"\)/,
    );
  });

  it('turns SIP over TLS on only with both PEM files', () => {
    const bridge = { services: ['presence-bridge'], requireDatabaseUrl: false } as const;
    const sip = (env: NodeJS.ProcessEnv) =>
      toRuntimeConfig(
        'presence-bridge',
        '0.0.0',
        parseEnv(serviceEnvSchema('presence-bridge'), { KAFKA_BROKERS: 'k:9092', ...env }),
        bridge,
      ).sip;
    expect(sip({})).toMatchObject({ tcpPort: 5060, tlsPort: 5061, tls: undefined });
    expect(sip({ PARLEY_SIP_TLS_CERT: '/tls/sip.crt', PARLEY_SIP_TLS_KEY: '/tls/sip.key', PARLEY_SIP_TLS_PORT: '15061' })).toMatchObject({
      tlsPort: 15061,
      tls: { certFile: '/tls/sip.crt', keyFile: '/tls/sip.key' },
    });
    expect(problemsOf(() => sip({ PARLEY_SIP_TLS_CERT: '/tls/sip.crt' }))).toEqual([
      'PARLEY_SIP_TLS_CERT: set together with PARLEY_SIP_TLS_KEY (or neither: SIP over TLS off)',
    ]);
  });

  it('maps the EWS work limits, and refuses a zero or a fraction naming the variable', () => {
    const ews = (env: NodeJS.ProcessEnv) =>
      toRuntimeConfig('ews-gateway', '0.0.0', parseEnv(gatewaySchema, { KAFKA_BROKERS: 'k:9092', ...env }), gateway).ews;
    expect(ews({})).toMatchObject({
      xmlLimits: {
        maxDepth: 64,
        maxElements: 20_000,
        maxAttributesPerElement: 32,
        maxAttributes: 20_000,
        maxAttributeLength: 16_384,
        maxTextLength: 262_144,
        maxTotalTextLength: 1_048_576,
      },
      maxBatchItems: 1000,
      maxAvailabilityMailboxes: 100,
    });
    const set = ews({
      PARLEY_EWS_XML_MAX_ATTRIBUTES_PER_ELEMENT: '8',
      PARLEY_EWS_XML_MAX_TEXT_LENGTH: '4096',
      PARLEY_EWS_MAX_BATCH_ITEMS: '250',
      PARLEY_EWS_MAX_AVAILABILITY_MAILBOXES: '20',
    });
    expect([
      set?.xmlLimits.maxAttributesPerElement,
      set?.xmlLimits.maxTextLength,
      set?.maxBatchItems,
      set?.maxAvailabilityMailboxes,
    ]).toEqual([8, 4096, 250, 20]);
    const problems = problemsOf(() =>
      parseEnv(gatewaySchema, { PARLEY_EWS_XML_MAX_ATTRIBUTES: '0', PARLEY_EWS_XML_MAX_DEPTH: '1001', PARLEY_EWS_MAX_BATCH_ITEMS: '1.5' }),
    );
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'PARLEY_EWS_MAX_BATCH_ITEMS',
      'PARLEY_EWS_XML_MAX_ATTRIBUTES',
      'PARLEY_EWS_XML_MAX_DEPTH',
    ]);
  });

  it('rejects a malformed broker list', () => {
    expect(problemsOf(() => parseEnv(schema, { KAFKA_BROKERS: 'localhost' }))[0]).toMatch(/^KAFKA_BROKERS/);
  });

  it('reads the outbound smarthost: off when unset, host:port with TLS and AUTH, refused when half-configured', () => {
    const mailSchema = serviceEnvSchema('voicemail-ingest');
    const ingest = { services: ['voicemail-ingest'], requireDatabaseUrl: false } as const;
    const base = { KAFKA_BROKERS: '127.0.0.1:9092' };
    expect(toRuntimeConfig('voicemail-ingest', '0.0.0', parseEnv(mailSchema, base), ingest).outboundMail).toMatchObject({
      smarthost: undefined,
      retryWindowMs: 172_800_000,
    });
    const configured = parseEnv(mailSchema, {
      ...base,
      PARLEY_SMTP_SMARTHOST: 'relay.example.com:587',
      PARLEY_SMTP_SMARTHOST_USERNAME: 'parley',
      PARLEY_SMTP_SMARTHOST_PASSWORD: 'secret',
      PARLEY_SMTP_OUTBOUND_RETRY_WINDOW_MS: '5000',
    });
    expect(toRuntimeConfig('voicemail-ingest', '0.0.0', configured, ingest).outboundMail).toMatchObject({
      smarthost: { host: 'relay.example.com', port: 587, tls: 'required', caFile: undefined, auth: { user: 'parley', password: 'secret' } },
      retryWindowMs: 5000,
    });
    expect(parseEnv(mailSchema, { ...base, PARLEY_SMTP_SMARTHOST: '[::1]:25' }).PARLEY_SMTP_SMARTHOST).toEqual({ host: '::1', port: 25 });
    expect(problemsOf(() => parseEnv(mailSchema, { ...base, PARLEY_SMTP_SMARTHOST: 'relay.example.com' }))[0]).toMatch(
      /^PARLEY_SMTP_SMARTHOST: must be host:port/,
    );
    const halfAuth = parseEnv(mailSchema, { ...base, PARLEY_SMTP_SMARTHOST: 'relay:25', PARLEY_SMTP_SMARTHOST_USERNAME: 'parley' });
    expect(problemsOf(() => toRuntimeConfig('voicemail-ingest', '0.0.0', halfAuth, ingest))).toEqual([
      expect.stringMatching(/^PARLEY_SMTP_SMARTHOST_USERNAME: set together with PARLEY_SMTP_SMARTHOST_PASSWORD/),
    ]);
  });
});
