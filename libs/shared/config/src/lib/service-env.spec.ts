import { hostname } from 'node:os';
import path from 'node:path';
import { ConfigError, parseEnv } from './env';
import { toRuntimeConfig } from './runtime-config';
import { adminEnvSchema, appEnvSchemas, embeddedEnvSchema, serviceEnvSchema, serviceNames } from './service-env';

const keysOf = (app: string) => Object.keys(appEnvSchemas().find((s) => s.app === app)?.schema.shape ?? {}).sort();

const SHARED = [
  'PARLEY_HTTP_HOST',
  'PARLEY_HTTP_PORT',
  'PARLEY_HTTP_BODY_LIMIT_BYTES',
  'PARLEY_HTTP_BODY_TIMEOUT_MS',
  'PARLEY_HTTP_MAX_CONNECTIONS',
  'PARLEY_SHUTDOWN_DELAY_MS',
  'PARLEY_SHUTDOWN_GRACE_MS',
  'PARLEY_METRICS_HOST',
  'PARLEY_METRICS_PORT',
  'PARLEY_LOG_LEVEL',
  'PARLEY_LOG_FORMAT',
  'PARLEY_BUS',
  'KAFKA_BROKERS',
  'KAFKA_CLIENT_ID',
  'KAFKA_GROUP_PREFIX',
  'KAFKA_PARTITIONS',
  'KAFKA_REPLICATION_FACTOR',
  'KAFKA_SSL',
  'KAFKA_SSL_CA_FILE',
  'KAFKA_SSL_CERT_FILE',
  'KAFKA_SSL_KEY_FILE',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
  'PARLEY_REQUEST_TIMEOUT_MS',
  'PARLEY_INSTANCE_ID',
  'DATABASE_URL',
  'PARLEY_DB_POOL_SIZE',
  'PARLEY_DB_MIGRATE',
  'PARLEY_OUTBOX_POLL_MS',
  'PARLEY_OUTBOX_BATCH_SIZE',
  'PARLEY_DLQ_MAX_ATTEMPTS',
  'PARLEY_DLQ_BACKOFF_MS',
  'PARLEY_DLQ_RETRY_BUDGET_MS',
  'PARLEY_DLQ_REPLAY_POLL_MS',
];
const EWS_GATEWAY = [
  'PARLEY_PUBLIC_URL',
  'PARLEY_WEB_ROOT',
  'PARLEY_ID_SECRET',
  'PARLEY_EWS_FREE_BUSY_CACHE_MS',
  'PARLEY_EWS_XML_MAX_DEPTH',
  'PARLEY_EWS_XML_MAX_ELEMENTS',
  'PARLEY_EWS_XML_MAX_ATTRIBUTES_PER_ELEMENT',
  'PARLEY_EWS_XML_MAX_ATTRIBUTES',
  'PARLEY_EWS_XML_MAX_ATTRIBUTE_LENGTH',
  'PARLEY_EWS_XML_MAX_TEXT_LENGTH',
  'PARLEY_EWS_XML_MAX_TOTAL_TEXT_LENGTH',
  'PARLEY_EWS_MAX_BATCH_ITEMS',
  'PARLEY_EWS_MAX_AVAILABILITY_MAILBOXES',
  'PARLEY_EWS_MAX_SUBSCRIPTIONS_PER_MAILBOX',
  'PARLEY_EWS_MAX_STREAMING_CONNECTIONS_PER_USER',
  'PARLEY_EWS_MAX_SUBSCRIPTIONS_PER_CONNECTION',
  'PARLEY_EWS_STREAMING_HEARTBEAT_MS',
  'PARLEY_EWS_EVENT_RETENTION_HOURS',
  'PARLEY_EWS_PUSH_ALLOWED',
  'PARLEY_EWS_PUSH_TIMEOUT_MS',
  'PARLEY_EWS_PUSH_MAX_RETRIES',
  'PARLEY_EWS_PUSH_RETRY_BACKOFF_MS',
];
/** Sign-in: every service with a front that authenticates callers. */
const AUTH = [
  'PARLEY_AUTH_TOKEN_KEY',
  'PARLEY_AUTH_CACHE_TTL_MS',
  // Former names, still read.
  'PARLEY_WEB_SESSION_IDLE_MINUTES',
  'PARLEY_WEB_SESSION_MAX_HOURS',
  'PARLEY_WEB_SESSION_MAX_PER_USER',
  'PARLEY_WEB_ALLOWED_ORIGINS',
  'PARLEY_EWS_TOKEN_KEY',
  'PARLEY_EWS_AUTH_CACHE_TTL_MS',
  'PARLEY_SIGN_IN_FAILURE_WINDOW_MS',
  'PARLEY_SIGN_IN_MAX_FAILURES_PER_ACCOUNT_ADDRESS',
  'PARLEY_SIGN_IN_MAX_FAILURES_PER_ADDRESS',
  'PARLEY_SIGN_IN_ACCOUNT_DELAY_STEP_MS',
  'PARLEY_SIGN_IN_ACCOUNT_MAX_DELAY_MS',
  'PARLEY_TRUSTED_PROXIES',
  // Retired: refused with the name of their successor.
  'PARLEY_EWS_AUTH_FAILURE_WINDOW_MS',
  'PARLEY_EWS_AUTH_MAX_FAILURES_PER_ACCOUNT',
  'PARLEY_EWS_AUTH_MAX_FAILURES_PER_ADDRESS',
];
const GRAPH_API = ['PARLEY_GRAPH_MAX_BATCH_IDS', 'PARLEY_GRAPH_MAX_BODY_BYTES', 'PARLEY_GRAPH_PREFERRED_PRESENCE_MAX_DAYS'];
const SIP = [
  'PARLEY_SIP_REALM',
  'PARLEY_SIP_TCP_HOST',
  'PARLEY_SIP_TCP_PORT',
  'PARLEY_SIP_TLS_PORT',
  'PARLEY_SIP_TLS_CERT',
  'PARLEY_SIP_TLS_KEY',
  'PARLEY_SIP_MAX_REQUESTS_PER_SECOND',
  'PARLEY_SIP_MAX_CONNECTIONS_PER_ADDRESS',
  'PARLEY_SIP_REGISTER_MIN_EXPIRES',
  'PARLEY_SIP_REGISTER_MAX_EXPIRES',
  'PARLEY_SIP_MAX_REGISTRATIONS_PER_USER',
  'PARLEY_SIP_MAX_SUBSCRIPTIONS_PER_USER',
];
const VOICEMAIL_DROP = [
  'PARLEY_VOICEMAIL_DROP_MAX_AUDIO_BYTES',
  'PARLEY_VOICEMAIL_DROP_MAX_METADATA_BYTES',
  'PARLEY_VOICEMAIL_DROP_MAX_PARTS',
  'PARLEY_VOICEMAIL_DROP_MAX_RECIPIENTS',
  'PARLEY_VOICEMAIL_DROP_REQUESTS_PER_MINUTE',
];
const CALENDAR_SYNC = ['PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE', 'PARLEY_CALENDAR_TIMER_POLL_MAX_MS', 'PARLEY_CALENDAR_TIMER_BATCH_SIZE'];
const PRESENCE_BRIDGE = [
  'PARLEY_PRESENCE_IDLE_AFTER_MS',
  'PARLEY_PRESENCE_AWAY_AFTER_MS',
  'PARLEY_PRESENCE_TIMER_POLL_MAX_MS',
  'PARLEY_PRESENCE_TIMER_BATCH_SIZE',
  'PARLEY_PRESENCE_LEASE_TTL_MS',
  'PARLEY_PRESENCE_LEASE_RENEW_MS',
  'PARLEY_PRESENCE_MAX_ENDPOINTS_PER_USER',
  'PARLEY_PRESENCE_IM_MAX_CHARS',
  'PARLEY_PRESENCE_IM_RECEIPT_TIMEOUT_MS',
  'PARLEY_PRESENCE_IM_MAX_PENDING',
  'PARLEY_PRESENCE_IM_CONVERSATION_IDLE_MS',
  'PARLEY_PRESENCE_WS_MAX_FRAME_BYTES',
  'PARLEY_PRESENCE_WS_MESSAGES_PER_SECOND',
  'PARLEY_PRESENCE_WS_MESSAGE_BURST',
  'PARLEY_PRESENCE_WS_MAX_SUBSCRIPTIONS',
  'PARLEY_PRESENCE_WS_MAX_CONNECTIONS_PER_USER',
  'PARLEY_PRESENCE_WS_MAX_SEND_BUFFER_BYTES',
  'PARLEY_PRESENCE_WS_PING_INTERVAL_MS',
];
const SMTP = [
  'PARLEY_SMTP_HOST',
  'PARLEY_SMTP_SUBMISSION_PORT',
  'PARLEY_SMTP_IMPLICIT_TLS_PORT',
  'PARLEY_SMTP_RELAY_PORT',
  'PARLEY_SMTP_RELAY_CIDRS',
  'PARLEY_SMTP_PROXY_PROTOCOL_FROM',
  'PARLEY_SMTP_HOSTNAME',
  'PARLEY_SMTP_TLS_CERT',
  'PARLEY_SMTP_TLS_KEY',
  'PARLEY_SMTP_TLS_DIR',
  'PARLEY_SMTP_MAX_MESSAGE_BYTES',
  'PARLEY_SMTP_MAX_RECIPIENTS',
  'PARLEY_SMTP_MAX_CONNECTIONS',
  'PARLEY_SMTP_MAX_CONNECTIONS_PER_CLIENT',
  'PARLEY_SMTP_SOCKET_TIMEOUT_MS',
  'PARLEY_SMTP_MAX_UNAUTHENTICATED_COMMANDS',
  'PARLEY_SMTP_SMARTHOST',
  'PARLEY_SMTP_SMARTHOST_TLS',
  'PARLEY_SMTP_SMARTHOST_CA_FILE',
  'PARLEY_SMTP_SMARTHOST_USERNAME',
  'PARLEY_SMTP_SMARTHOST_PASSWORD',
  'PARLEY_SMTP_OUTBOUND_RETRY_WINDOW_MS',
  'PARLEY_SMTP_OUTBOUND_RETRY_BASE_MS',
  'PARLEY_SMTP_OUTBOUND_RETRY_MAX_MS',
  'PARLEY_SMTP_OUTBOUND_POLL_MAX_MS',
];
const MAILBOX_STORE = [
  'PARLEY_MAILBOX_BLOB_STORE',
  'PARLEY_MAILBOX_BLOB_DIR',
  'PARLEY_MAILBOX_QUOTA_BYTES',
  'PARLEY_MAILBOX_ORPHAN_GRACE_MS',
  'PARLEY_MAILBOX_SWEEP_INTERVAL_MS',
  'PARLEY_OOF_KNOWN_SENDER_DAYS',
];
const EMBEDDED_ONLY = ['PARLEY_DATA_DIR', 'PARLEY_EMBEDDED_PG_PORT', 'PARLEY_DEMO_USERS'];

const problemsOf = ConfigError.problemsOf;

describe('environment schema composition', () => {
  it('gives each service exactly the shared keys and its own', () => {
    expect(keysOf('ews-gateway')).toEqual([...SHARED, ...EWS_GATEWAY, ...AUTH].sort());
    expect(keysOf('calendar-sync')).toEqual([...SHARED, ...CALENDAR_SYNC].sort());
    expect(keysOf('presence-bridge')).toEqual([...SHARED, ...AUTH, ...PRESENCE_BRIDGE, ...GRAPH_API, ...SIP].sort());
    expect(keysOf('voicemail-ingest')).toEqual([...SHARED, ...AUTH, ...VOICEMAIL_DROP, ...MAILBOX_STORE, ...SMTP].sort());
  });

  it("refuses presence-bridge's thresholds and lease timing when they contradict each other", () => {
    const configOf = (env: Record<string, string>) => () =>
      toRuntimeConfig('presence-bridge', '0', parseEnv(serviceEnvSchema('presence-bridge'), { KAFKA_BROKERS: 'k:9092', ...env }), {
        services: ['presence-bridge'],
        requireDatabaseUrl: false,
      });
    expect(problemsOf(configOf({ PARLEY_PRESENCE_IDLE_AFTER_MS: '600000', PARLEY_PRESENCE_AWAY_AFTER_MS: '600000' }))).toEqual([
      'PARLEY_PRESENCE_AWAY_AFTER_MS: must be greater than PARLEY_PRESENCE_IDLE_AFTER_MS',
    ]);
    expect(problemsOf(configOf({ PARLEY_PRESENCE_LEASE_TTL_MS: '10000', PARLEY_PRESENCE_LEASE_RENEW_MS: '4000' }))).toEqual([
      'PARLEY_PRESENCE_LEASE_RENEW_MS: must be at most a third of PARLEY_PRESENCE_LEASE_TTL_MS',
    ]);
    expect(problemsOf(configOf({ PARLEY_SIP_REGISTER_MIN_EXPIRES: '600', PARLEY_SIP_REGISTER_MAX_EXPIRES: '300' }))).toEqual([
      'PARLEY_SIP_REGISTER_MIN_EXPIRES: must not exceed PARLEY_SIP_REGISTER_MAX_EXPIRES',
    ]);
    expect(configOf({ PARLEY_INSTANCE_ID: 'bridge-1' })().presence).toMatchObject({ idleAfterMs: 300_000, leaseTtlMs: 30_000 });
  });

  it('gives the embedded app the union of the services and its own database and demo keys', () => {
    const union = new Set(serviceNames.flatMap((service) => keysOf(service)));
    expect(keysOf('parley')).toEqual([...union, ...EMBEDDED_ONLY].sort());
    expect(keysOf('parley-admin')).toEqual([
      'DATABASE_URL',
      'PARLEY_AUTH_TOKEN_KEY',
      'PARLEY_DATA_DIR',
      'PARLEY_EMBEDDED_PG_PORT',
      'PARLEY_EWS_TOKEN_KEY',
      'PARLEY_SIP_REALM',
    ]);
  });

  it('validates the keys a service reads and ignores the others', () => {
    const gatewayOnly = {
      KAFKA_BROKERS: 'k:9092',
      PARLEY_EWS_XML_MAX_DEPTH: 'deep',
      PARLEY_TRUSTED_PROXIES: 'lb.internal',
      PARLEY_EWS_AUTH_FAILURE_WINDOW_MS: '1000',
    };
    const calendarOnly = { KAFKA_BROKERS: 'k:9092', PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE: 'Mars/Olympus' };
    expect(parseEnv(serviceEnvSchema('calendar-sync'), gatewayOnly)).not.toHaveProperty('PARLEY_EWS_XML_MAX_DEPTH');
    expect(parseEnv(serviceEnvSchema('calendar-sync'), gatewayOnly)).not.toHaveProperty('PARLEY_TRUSTED_PROXIES');
    // presence-bridge and voicemail-ingest read the sign-in keys (their fronts authenticate), not the EWS ones.
    for (const service of ['presence-bridge', 'voicemail-ingest'] as const) {
      expect(
        problemsOf(() => parseEnv(serviceEnvSchema(service), gatewayOnly))
          .map((p) => p.split(':')[0])
          .sort(),
      ).toEqual(['PARLEY_EWS_AUTH_FAILURE_WINDOW_MS', 'PARLEY_TRUSTED_PROXIES']);
    }
    for (const service of ['ews-gateway', 'presence-bridge', 'voicemail-ingest'] as const) {
      expect(parseEnv(serviceEnvSchema(service), calendarOnly)).not.toHaveProperty('PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE');
    }
    expect(
      problemsOf(() => parseEnv(serviceEnvSchema('ews-gateway'), gatewayOnly))
        .map((p) => p.split(':')[0])
        .sort(),
    ).toEqual(['PARLEY_EWS_AUTH_FAILURE_WINDOW_MS', 'PARLEY_EWS_XML_MAX_DEPTH', 'PARLEY_TRUSTED_PROXIES']);
    expect(problemsOf(() => parseEnv(serviceEnvSchema('calendar-sync'), calendarOnly))).toEqual([
      expect.stringMatching(/^PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE: /),
    ]);
    expect(
      problemsOf(() => parseEnv(embeddedEnvSchema(), { ...gatewayOnly, ...calendarOnly }))
        .map((p) => p.split(':')[0])
        .sort(),
    ).toEqual([
      'PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE',
      'PARLEY_EWS_AUTH_FAILURE_WINDOW_MS',
      'PARLEY_EWS_XML_MAX_DEPTH',
      'PARLEY_TRUSTED_PROXIES',
    ]);
  });

  it('asks for the id secret wherever ews-gateway runs, and only there', () => {
    const env = { KAFKA_BROKERS: 'k:9092', DATABASE_URL: 'postgres://x/y' };
    expect(
      problemsOf(() =>
        toRuntimeConfig('ews-gateway', '0', parseEnv(serviceEnvSchema('ews-gateway'), env), {
          services: ['ews-gateway'],
          requireDatabaseUrl: true,
        }),
      ),
    ).toEqual([expect.stringMatching(/^PARLEY_ID_SECRET: required for ews-gateway/)]);
    for (const service of ['calendar-sync', 'presence-bridge', 'voicemail-ingest'] as const) {
      const config = toRuntimeConfig(service, '0', parseEnv(serviceEnvSchema(service), env), {
        services: [service],
        requireDatabaseUrl: true,
      });
      expect(config.ews).toBeUndefined();
      expect(config.auth === undefined).toBe(service === 'calendar-sync');
      expect(config.smtp === undefined).toBe(service !== 'voicemail-ingest');
      expect(config.voicemailDrop === undefined).toBe(service !== 'voicemail-ingest');
      expect(config.calendar === undefined).toBe(service !== 'calendar-sync');
      expect(config.presence === undefined).toBe(service !== 'presence-bridge');
      expect(config.graph === undefined).toBe(service !== 'presence-bridge');
      expect(config.sip === undefined).toBe(service !== 'presence-bridge');
      expect(config.mailbox === undefined).toBe(service !== 'voicemail-ingest');
    }
    const embedded = parseEnv(embeddedEnvSchema(), {});
    expect(problemsOf(() => toRuntimeConfig('parley', '0', embedded, { services: serviceNames, requireDatabaseUrl: false }))).toEqual([
      expect.stringMatching(/^PARLEY_ID_SECRET: required/),
    ]);
    const config = toRuntimeConfig('parley', '0', embedded, {
      services: serviceNames,
      requireDatabaseUrl: false,
      idSecret: 'g'.repeat(43),
    });
    expect(config.ews?.idSecret).toBe('g'.repeat(43));
    expect(config.shutdown).toEqual({ delayMs: 0, graceMs: 25_000 });
    expect(config.auth?.signIn.trustedProxies).toEqual([]);
    expect(config.calendar?.defaultWorkingHoursTimeZone).toBe('UTC');
    expect(config.mailbox?.blobs).toEqual({ kind: 'filesystem', directory: path.resolve('data', 'mailbox-blobs') });
    expect(config.presence?.socket).toEqual({
      maxFrameBytes: 65_536,
      messagesPerSecond: 20,
      messageBurst: 40,
      maxSubscriptions: 1000,
      maxConnectionsPerUser: 10,
      maxSendBufferBytes: 1_048_576,
      pingIntervalMs: 30_000,
    });
    expect(config.graph).toEqual({ maxBatchIds: 650, maxBodyBytes: 256 * 1024, maxPreferredPresenceMs: 30 * 86_400_000 });
    expect(config.sip).toEqual({
      realm: 'parley',
      tcpHost: '127.0.0.1',
      tcpPort: 5060,
      tlsPort: 5061,
      tls: undefined,
      maxRequestsPerSecond: 20,
      maxConnectionsPerAddress: 100,
      registerMinExpires: 60,
      registerMaxExpires: 3600,
      maxRegistrationsPerUser: 10,
      maxSubscriptionsPerUser: 200,
    });
  });

  it('takes a SIP realm that a quoted-string holds as is, and refuses quotes, backslashes and control characters', () => {
    const realmOf = (value: string) => parseEnv(adminEnvSchema, { PARLEY_SIP_REALM: value }).PARLEY_SIP_REALM;
    expect(realmOf('Parley at example.com')).toBe('Parley at example.com');
    expect(realmOf('')).toBe('parley');
    for (const bad of ['say "hi"', 'back\\slash', 'tab\there', 'x'.repeat(129)]) {
      expect(problemsOf(() => realmOf(bad))).toEqual([expect.stringMatching(/^PARLEY_SIP_REALM: /)]);
    }
  });

  it('keeps every default of the single shared schema it replaced', () => {
    const shared = {
      PARLEY_HTTP_HOST: '127.0.0.1',
      PARLEY_HTTP_BODY_LIMIT_BYTES: 10 * 1024 * 1024,
      PARLEY_HTTP_BODY_TIMEOUT_MS: 30_000,
      PARLEY_HTTP_MAX_CONNECTIONS: 4096,
      PARLEY_SHUTDOWN_GRACE_MS: 25_000,
      PARLEY_LOG_LEVEL: 'info',
      PARLEY_LOG_FORMAT: 'auto',
      KAFKA_BROKERS: [],
      KAFKA_GROUP_PREFIX: 'parley',
      KAFKA_PARTITIONS: 6,
      KAFKA_REPLICATION_FACTOR: 1,
      PARLEY_REQUEST_TIMEOUT_MS: 5000,
      PARLEY_INSTANCE_ID: `${hostname()}-${process.pid}`,
      PARLEY_DB_POOL_SIZE: 10,
      PARLEY_OUTBOX_POLL_MS: 500,
      PARLEY_OUTBOX_BATCH_SIZE: 1000,
      PARLEY_DLQ_MAX_ATTEMPTS: 5,
      PARLEY_DLQ_BACKOFF_MS: 100,
      PARLEY_DLQ_RETRY_BUDGET_MS: 5000,
      PARLEY_DLQ_REPLAY_POLL_MS: 2000,
    };
    const gateway = {
      PARLEY_WEB_ROOT: 'dist/apps/parley-web',
      PARLEY_EWS_FREE_BUSY_CACHE_MS: 60_000,
      PARLEY_EWS_XML_MAX_DEPTH: 64,
      PARLEY_EWS_XML_MAX_ELEMENTS: 20_000,
      PARLEY_EWS_XML_MAX_ATTRIBUTES_PER_ELEMENT: 32,
      PARLEY_EWS_XML_MAX_ATTRIBUTES: 20_000,
      PARLEY_EWS_XML_MAX_ATTRIBUTE_LENGTH: 16 * 1024,
      PARLEY_EWS_XML_MAX_TEXT_LENGTH: 256 * 1024,
      PARLEY_EWS_XML_MAX_TOTAL_TEXT_LENGTH: 1024 * 1024,
      PARLEY_EWS_MAX_BATCH_ITEMS: 1000,
      PARLEY_EWS_MAX_AVAILABILITY_MAILBOXES: 100,
      PARLEY_EWS_MAX_SUBSCRIPTIONS_PER_MAILBOX: 50,
      PARLEY_EWS_MAX_STREAMING_CONNECTIONS_PER_USER: 10,
      PARLEY_EWS_MAX_SUBSCRIPTIONS_PER_CONNECTION: 200,
      PARLEY_EWS_STREAMING_HEARTBEAT_MS: 45_000,
      PARLEY_EWS_EVENT_RETENTION_HOURS: 168,
      PARLEY_EWS_PUSH_ALLOWED: { cidrs: [], hosts: [] },
      PARLEY_EWS_PUSH_TIMEOUT_MS: 10_000,
      PARLEY_EWS_PUSH_MAX_RETRIES: 5,
      PARLEY_EWS_PUSH_RETRY_BACKOFF_MS: 5_000,
    };
    const auth = {
      PARLEY_AUTH_CACHE_TTL_MS: 60_000,
      PARLEY_WEB_SESSION_IDLE_MINUTES: 480,
      PARLEY_WEB_SESSION_MAX_HOURS: 168,
      PARLEY_WEB_SESSION_MAX_PER_USER: 20,
      PARLEY_WEB_ALLOWED_ORIGINS: [],
      PARLEY_SIGN_IN_FAILURE_WINDOW_MS: 300_000,
      PARLEY_SIGN_IN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: 10,
      PARLEY_SIGN_IN_MAX_FAILURES_PER_ADDRESS: 100,
      PARLEY_SIGN_IN_ACCOUNT_DELAY_STEP_MS: 250,
      PARLEY_SIGN_IN_ACCOUNT_MAX_DELAY_MS: 2000,
      PARLEY_TRUSTED_PROXIES: [],
    };
    const asService = (port: number) => ({
      PARLEY_HTTP_PORT: port,
      PARLEY_METRICS_HOST: '0.0.0.0',
      PARLEY_METRICS_PORT: port + 1000,
      PARLEY_BUS: 'kafka',
      PARLEY_DB_MIGRATE: false,
      PARLEY_SHUTDOWN_DELAY_MS: 5000,
    });
    expect(parseEnv(serviceEnvSchema('ews-gateway'), {})).toEqual({ ...shared, ...asService(8081), ...gateway, ...auth });
    const presence = {
      PARLEY_PRESENCE_IDLE_AFTER_MS: 300_000,
      PARLEY_PRESENCE_AWAY_AFTER_MS: 900_000,
      PARLEY_PRESENCE_TIMER_POLL_MAX_MS: 1000,
      PARLEY_PRESENCE_TIMER_BATCH_SIZE: 200,
      PARLEY_PRESENCE_LEASE_TTL_MS: 30_000,
      PARLEY_PRESENCE_LEASE_RENEW_MS: 5000,
      PARLEY_PRESENCE_MAX_ENDPOINTS_PER_USER: 16,
      PARLEY_PRESENCE_IM_MAX_CHARS: 8192,
      PARLEY_PRESENCE_IM_RECEIPT_TIMEOUT_MS: 5000,
      PARLEY_PRESENCE_IM_MAX_PENDING: 10_000,
      PARLEY_PRESENCE_IM_CONVERSATION_IDLE_MS: 600_000,
      PARLEY_PRESENCE_WS_MAX_FRAME_BYTES: 64 * 1024,
      PARLEY_PRESENCE_WS_MESSAGES_PER_SECOND: 20,
      PARLEY_PRESENCE_WS_MESSAGE_BURST: 40,
      PARLEY_PRESENCE_WS_MAX_SUBSCRIPTIONS: 1000,
      PARLEY_PRESENCE_WS_MAX_CONNECTIONS_PER_USER: 10,
      PARLEY_PRESENCE_WS_MAX_SEND_BUFFER_BYTES: 1024 * 1024,
      PARLEY_PRESENCE_WS_PING_INTERVAL_MS: 30_000,
    };
    const drop = {
      PARLEY_VOICEMAIL_DROP_MAX_AUDIO_BYTES: 25 * 1024 * 1024,
      PARLEY_VOICEMAIL_DROP_MAX_METADATA_BYTES: 64 * 1024,
      PARLEY_VOICEMAIL_DROP_MAX_PARTS: 4,
      PARLEY_VOICEMAIL_DROP_MAX_RECIPIENTS: 20,
      PARLEY_VOICEMAIL_DROP_REQUESTS_PER_MINUTE: 600,
    };
    const graph = {
      PARLEY_GRAPH_MAX_BATCH_IDS: 650,
      PARLEY_GRAPH_MAX_BODY_BYTES: 256 * 1024,
      PARLEY_GRAPH_PREFERRED_PRESENCE_MAX_DAYS: 30,
    };
    const sip = { PARLEY_SIP_REALM: 'parley' };
    const sipFront = {
      PARLEY_SIP_TCP_PORT: 5060,
      PARLEY_SIP_TLS_PORT: 5061,
      PARLEY_SIP_MAX_REQUESTS_PER_SECOND: 20,
      PARLEY_SIP_MAX_CONNECTIONS_PER_ADDRESS: 100,
      PARLEY_SIP_REGISTER_MIN_EXPIRES: 60,
      PARLEY_SIP_REGISTER_MAX_EXPIRES: 3600,
      PARLEY_SIP_MAX_REGISTRATIONS_PER_USER: 10,
      PARLEY_SIP_MAX_SUBSCRIPTIONS_PER_USER: 200,
    };
    expect(parseEnv(serviceEnvSchema('presence-bridge'), {})).toEqual({
      ...shared,
      ...asService(8082),
      ...auth,
      ...presence,
      ...graph,
      ...sip,
      ...sipFront,
      PARLEY_SIP_TCP_HOST: '0.0.0.0',
    });
    const smtp = {
      PARLEY_SMTP_PROXY_PROTOCOL_FROM: [],
      PARLEY_SMTP_MAX_MESSAGE_BYTES: 50 * 1024 * 1024,
      PARLEY_SMTP_MAX_RECIPIENTS: 100,
      PARLEY_SMTP_MAX_CONNECTIONS: 500,
      PARLEY_SMTP_MAX_CONNECTIONS_PER_CLIENT: 20,
      PARLEY_SMTP_SOCKET_TIMEOUT_MS: 60_000,
      PARLEY_SMTP_MAX_UNAUTHENTICATED_COMMANDS: 10,
      PARLEY_SMTP_SMARTHOST_TLS: 'required',
      PARLEY_SMTP_OUTBOUND_RETRY_WINDOW_MS: 48 * 3_600_000,
      PARLEY_SMTP_OUTBOUND_RETRY_BASE_MS: 60_000,
      PARLEY_SMTP_OUTBOUND_RETRY_MAX_MS: 3_600_000,
      PARLEY_SMTP_OUTBOUND_POLL_MAX_MS: 5000,
    };
    const mailbox = {
      PARLEY_MAILBOX_QUOTA_BYTES: 2 * 1024 * 1024 * 1024,
      PARLEY_MAILBOX_ORPHAN_GRACE_MS: 3_600_000,
      PARLEY_MAILBOX_SWEEP_INTERVAL_MS: 600_000,
      PARLEY_OOF_KNOWN_SENDER_DAYS: 90,
    };
    expect(parseEnv(serviceEnvSchema('voicemail-ingest'), {})).toEqual({
      ...shared,
      ...asService(8083),
      ...auth,
      ...smtp,
      PARLEY_SMTP_HOST: '0.0.0.0',
      PARLEY_SMTP_SUBMISSION_PORT: 587,
      PARLEY_SMTP_IMPLICIT_TLS_PORT: 465,
      PARLEY_SMTP_RELAY_PORT: 25,
      PARLEY_SMTP_RELAY_CIDRS: [],
      ...drop,
      ...mailbox,
      PARLEY_MAILBOX_BLOB_STORE: 'postgres',
    });
    expect(parseEnv(serviceEnvSchema('calendar-sync'), {})).toEqual({
      ...shared,
      ...asService(8084),
      PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE: 'UTC',
      PARLEY_CALENDAR_TIMER_POLL_MAX_MS: 1000,
      PARLEY_CALENDAR_TIMER_BATCH_SIZE: 200,
    });
    expect(parseEnv(embeddedEnvSchema(), {})).toEqual({
      ...shared,
      ...gateway,
      ...auth,
      ...presence,
      ...graph,
      ...drop,
      PARLEY_HTTP_PORT: 8080,
      PARLEY_METRICS_HOST: '127.0.0.1',
      PARLEY_METRICS_PORT: 9080,
      PARLEY_BUS: 'inprocess',
      PARLEY_DB_MIGRATE: true,
      PARLEY_SHUTDOWN_DELAY_MS: 0,
      PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE: 'UTC',
      PARLEY_CALENDAR_TIMER_POLL_MAX_MS: 1000,
      PARLEY_CALENDAR_TIMER_BATCH_SIZE: 200,
      ...presence,
      ...sip,
      ...sipFront,
      PARLEY_SIP_TCP_HOST: '127.0.0.1',
      ...smtp,
      PARLEY_SMTP_HOST: '127.0.0.1',
      PARLEY_SMTP_SUBMISSION_PORT: 2587,
      PARLEY_SMTP_IMPLICIT_TLS_PORT: 2465,
      PARLEY_SMTP_RELAY_PORT: 2525,
      PARLEY_SMTP_RELAY_CIDRS: ['127.0.0.0/8'],
      ...mailbox,
      PARLEY_MAILBOX_BLOB_STORE: 'filesystem',
      PARLEY_DATA_DIR: './data',
      PARLEY_EMBEDDED_PG_PORT: 15432,
      PARLEY_DEMO_USERS: true,
    });
    expect(parseEnv(adminEnvSchema, {})).toEqual({ PARLEY_DATA_DIR: './data', PARLEY_EMBEDDED_PG_PORT: 15432, ...sip });
  });

  it("puts voicemail-ingest's blobs in PostgreSQL by default when distributed, and wants a directory for the filesystem store", () => {
    const env = { DATABASE_URL: 'postgres://db/parley', KAFKA_BROKERS: 'kafka:9092' };
    const run = (extra: Record<string, string>) => () =>
      toRuntimeConfig('voicemail-ingest', '0', parseEnv(serviceEnvSchema('voicemail-ingest'), { ...env, ...extra }), {
        services: ['voicemail-ingest'],
        requireDatabaseUrl: true,
      });
    expect(run({})().mailbox).toEqual({
      blobs: { kind: 'postgres' },
      quotaBytes: 2 * 1024 ** 3,
      orphanGraceMs: 3_600_000,
      sweepIntervalMs: 600_000,
      oofKnownSenderDays: 90,
    });
    expect(problemsOf(run({ PARLEY_MAILBOX_BLOB_STORE: 'filesystem' }))).toEqual([
      'PARLEY_MAILBOX_BLOB_DIR: required when PARLEY_MAILBOX_BLOB_STORE=filesystem',
    ]);
    const onDisk = run({
      PARLEY_MAILBOX_BLOB_STORE: 'filesystem',
      PARLEY_MAILBOX_BLOB_DIR: '/srv/blobs',
      PARLEY_MAILBOX_QUOTA_BYTES: '0',
    })();
    expect(onDisk.mailbox).toMatchObject({ blobs: { kind: 'filesystem', directory: '/srv/blobs' }, quotaBytes: null });
  });

  it("turns the web session keys into the sign-in's web settings, the public URL's origin among the allowed ones", () => {
    const config = (env: Record<string, string>, service: 'ews-gateway' | 'presence-bridge' = 'ews-gateway') =>
      toRuntimeConfig(
        service,
        '0',
        parseEnv(serviceEnvSchema(service), { DATABASE_URL: 'postgres://x/y', KAFKA_BROKERS: 'k:9092', ...env }),
        {
          services: [service],
          requireDatabaseUrl: true,
          idSecret: 's'.repeat(32),
        },
      );
    expect(config({}).auth?.web).toEqual({
      idleTimeoutMs: 480 * 60_000,
      maxLifetimeMs: 168 * 3_600_000,
      maxPerUser: 20,
      allowedOrigins: [],
    });
    const set = config({
      PARLEY_PUBLIC_URL: 'https://Mail.Example.com:443/parley',
      PARLEY_WEB_ALLOWED_ORIGINS: ' https://Chat.Example.com/ , http://10.0.0.5:8080,https://mail.example.com',
      PARLEY_WEB_SESSION_IDLE_MINUTES: '30',
      PARLEY_WEB_SESSION_MAX_HOURS: '12',
    });
    expect(set.auth?.web).toEqual({
      idleTimeoutMs: 30 * 60_000,
      maxLifetimeMs: 12 * 3_600_000,
      maxPerUser: 20,
      allowedOrigins: ['https://chat.example.com', 'http://10.0.0.5:8080', 'https://mail.example.com'],
    });
    expect(set.ews?.webRoot).toBe(path.resolve('dist/apps/parley-web'));
    // presence-bridge does not read PARLEY_PUBLIC_URL: only the listed origins.
    expect(config({ PARLEY_WEB_ALLOWED_ORIGINS: 'https://chat.example.com' }, 'presence-bridge').auth?.web.allowedOrigins).toEqual([
      'https://chat.example.com',
    ]);
    for (const bad of [
      'chat.example.com',
      'https://chat.example.com/app',
      'ftp://chat.example.com',
      'https://u:p@chat.example.com',
      'null',
    ]) {
      expect(problemsOf(() => config({ PARLEY_WEB_ALLOWED_ORIGINS: bad }))).toEqual([
        expect.stringMatching(/^PARLEY_WEB_ALLOWED_ORIGINS: must be/),
      ]);
    }
    expect(problemsOf(() => config({ PARLEY_WEB_SESSION_IDLE_MINUTES: '1' }))).toEqual([
      expect.stringMatching(/^PARLEY_WEB_SESSION_IDLE_MINUTES:/),
    ]);
  });

  it('reads the former names of the sign-in keys as their new ones', () => {
    const key = 'k'.repeat(32);
    const config = (env: Record<string, string>, service: 'ews-gateway' | 'presence-bridge' = 'ews-gateway') =>
      toRuntimeConfig(
        service,
        '0',
        parseEnv(serviceEnvSchema(service), { DATABASE_URL: 'postgres://x/y', KAFKA_BROKERS: 'k:9092', ...env }),
        {
          services: [service],
          requireDatabaseUrl: true,
          idSecret: 's'.repeat(32),
        },
      ).auth;
    expect(config({ PARLEY_EWS_TOKEN_KEY: key, PARLEY_EWS_AUTH_CACHE_TTL_MS: '5000' })).toMatchObject({
      tokenKey: key,
      credentialCacheTtlMs: 5000,
    });
    expect(config({ PARLEY_AUTH_TOKEN_KEY: key, PARLEY_AUTH_CACHE_TTL_MS: '0' }, 'presence-bridge')).toMatchObject({
      tokenKey: key,
      credentialCacheTtlMs: 0,
    });
    // The same value under both names is one setting.
    expect(config({ PARLEY_AUTH_TOKEN_KEY: key, PARLEY_EWS_TOKEN_KEY: key })?.tokenKey).toBe(key);
    // A bad value is reported under the name the operator wrote, the key redacted.
    expect(problemsOf(() => config({ PARLEY_EWS_TOKEN_KEY: 'short' }))).toEqual([
      'PARLEY_EWS_TOKEN_KEY: must be at least 32 characters (got "<redacted>")',
    ]);
    expect(problemsOf(() => config({ PARLEY_EWS_AUTH_CACHE_TTL_MS: 'soon' }))).toEqual([
      expect.stringMatching(/^PARLEY_EWS_AUTH_CACHE_TTL_MS: .* \(got "soon"\)$/),
    ]);
    expect(problemsOf(() => config({ PARLEY_AUTH_TOKEN_KEY: key, PARLEY_EWS_TOKEN_KEY: 'x'.repeat(32) }))).toEqual([
      'PARLEY_EWS_TOKEN_KEY: the former name of PARLEY_AUTH_TOKEN_KEY, which is set to another value; set only PARLEY_AUTH_TOKEN_KEY',
    ]);
  });
});
