import path from 'node:path';
import { ConfigError } from './env';
import {
  AuthEnv,
  authenticatingServices,
  CalendarSyncEnv,
  EwsGatewayEnv,
  GraphApiEnv,
  MailboxStoreEnv,
  ParleyEnv,
  PresenceBridgeEnv,
  ServiceName,
  SipFrontEnv,
  SipRealmEnv,
  SharedEnv,
  SmtpEnv,
  VoicemailDropEnv,
} from './service-env';

export interface BusConfig {
  kind: 'inprocess' | 'kafka';
  brokers: string[];
  clientId: string;
  /** Consumer groups are `<groupPrefix>.<service>`: one deployment's replicas share them. */
  groupPrefix: string;
  partitions: number;
  replicationFactor: number;
  requestTimeoutMs: number;
  /** TLS and SASL to the brokers; absent (or both parts undefined): plaintext, unauthenticated. */
  security?: KafkaSecurityConfig;
}

/**
 * How Parley's Kafka clients secure their connections (KAFKA_SSL*, KAFKA_SASL_*, docs/kafka-security.md).
 * Files are named here and read when the clients are made, at start.
 */
export interface KafkaSecurityConfig {
  /** TLS to the brokers; undefined: plaintext. */
  tls: KafkaTlsConfig | undefined;
  /** SASL authentication; undefined: none (or mutual TLS alone). */
  sasl: KafkaSaslConfig | undefined;
}

export interface KafkaTlsConfig {
  /** PEM CA bundle trusted instead of Node's built-in public CAs. */
  caFile: string | undefined;
  /** Client certificate and its key for mutual TLS; both or neither. */
  clientCertificate: { certFile: string; keyFile: string } | undefined;
}

export interface KafkaSaslConfig {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  /** Named `password` so that the log redaction of `*.password` covers it. */
  password: string;
}

/** The consumers' retry and dead-letter policy (see docs/architecture.md). */
export interface DeadLetterConfig {
  /** Deliveries of a transiently failing event to its handler, the first included, before it is dead-lettered. */
  maxAttempts: number;
  /** Wait before the first retry; each further wait doubles. */
  initialBackoffMs: number;
  /** Longest time one event may spend in retries. */
  retryBudgetMs: number;
  /** How often each consumer group looks for dead letters an operator asked to replay. */
  replayPollMs: number;
}

export interface DatabaseConfig {
  /** Absent only in the embedded app, which then starts its own PostgreSQL. */
  url: string | undefined;
  poolSize: number;
  migrate: boolean;
  outboxPollMs: number;
  outboxBatchSize: number;
}

export interface EwsConfig {
  /** Base URL clients must use (behind a load balancer, its external address); no trailing slash. */
  publicUrl: string;
  /** Absolute directory of the web client's build (`index.html`, `assets/`); it may not exist. */
  webRoot: string;
  /**
   * Key of the HMAC that makes EWS folder ids and change keys unguessable and bound to their
   * mailbox. Every replica of a deployment needs the same one, and it must never change (ids
   * clients stored would stop resolving). Absent only for services that mint no ids.
   */
  idSecret: string | undefined;
  /** How long the gateway may reuse a free/busy answer; 0: never. */
  freeBusyCacheTtlMs: number;
  /** What one request body may hold (`PARLEY_EWS_XML_*`), checked before it is parsed. */
  xmlLimits: EwsXmlLimits;
  /** Ids or items in one request: GetItem, UpdateItem, DeleteItem, MoveItem, CopyItem, CreateItem, GetFolder, ConvertId. */
  maxBatchItems: number;
  /** Mailboxes in one GetUserAvailability (Exchange's cap is 100). */
  maxAvailabilityMailboxes: number;
  notifications: EwsNotificationLimits;
}

/** EWS notifications (Subscribe, GetEvents, GetStreamingEvents): the limits, all cheap to check. */
export interface EwsNotificationLimits {
  maxSubscriptionsPerMailbox: number;
  maxStreamingConnectionsPerUser: number;
  maxSubscriptionsPerConnection: number;
  streamingHeartbeatMs: number;
  eventRetentionMs: number;
  push: EwsPushSettings;
}

/** Push notification callbacks: where they may go and how hard the gateway tries (`PARLEY_EWS_PUSH_*`). */
export interface EwsPushSettings {
  /** Destinations allowed besides public unicast addresses: CIDRs (or single addresses) and host names (lower-cased). */
  allowed: { readonly cidrs: readonly string[]; readonly hosts: readonly string[] };
  timeoutMs: number;
  maxRetries: number;
  retryBackoffMs: number;
}

/** The XML front's work limits; the field names are those of the SOAP lib's parse options. */
export interface EwsXmlLimits {
  maxDepth: number;
  maxElements: number;
  maxAttributesPerElement: number;
  maxAttributes: number;
  maxAttributeLength: number;
  maxTextLength: number;
  maxTotalTextLength: number;
}

/** Sign-in for every front of a process (`AuthModule`): bearer tokens, the credential cache, the throttle. */
export interface AuthConfig {
  /** HMAC-SHA256 key for bearer tokens; without it, only Basic is accepted. */
  tokenKey: string | undefined;
  /** How long verified Basic credentials are trusted without another scrypt check (0: never). */
  credentialCacheTtlMs: number;
  signIn: SignInConfig;
  web: WebSessionConfig;
}

/** The web client's sessions and the browser origins the fronts accept (docs/architecture.md, "Authentication"). */
export interface WebSessionConfig {
  /** A session ends this long after its last request. */
  idleTimeoutMs: number;
  /** ...and this long after its sign-in, however active. */
  maxLifetimeMs: number;
  /** Sessions one user may hold; a sign-in past it ends the least recently used. */
  maxPerUser: number;
  /**
   * Origins allowed besides the request's own (its `Host` with its scheme): `PARLEY_WEB_ALLOWED_ORIGINS` and, when
   * set, `PARLEY_PUBLIC_URL`'s. Serialized (`https://host[:port]`, lower-case, no default port).
   */
  allowedOrigins: string[];
}

/** Failed-sign-in throttling and client addresses, for every protocol that takes a password. */
export interface SignInConfig {
  failureWindowMs: number;
  maxFailuresPerAccountAddress: number;
  maxFailuresPerAddress: number;
  accountDelayStepMs: number;
  accountMaxDelayMs: number;
  /** Addresses / CIDRs whose `X-Forwarded-For` is believed. */
  trustedProxies: string[];
}

export interface CalendarConfig {
  /** Windows id of the zone a mailbox's default working hours (none stored) are read in. */
  defaultWorkingHoursTimeZone: string;
  /** Longest sleep of the presence due-queue's poller. */
  presenceTimerPollMaxMs: number;
  /** Most due presence transitions fired per transaction. */
  presenceTimerBatchSize: number;
}

/** presence-bridge's thresholds, timers, replica leases and limits (PARLEY_PRESENCE_*). */
export interface PresenceConfig {
  idleAfterMs: number;
  awayAfterMs: number;
  /** Longest sleep of the re-evaluation poller. */
  timerPollMaxMs: number;
  /** Most users re-evaluated per transaction. */
  timerBatchSize: number;
  leaseTtlMs: number;
  leaseRenewMs: number;
  maxEndpointsPerUser: number;
  imMaxChars: number;
  imReceiptTimeoutMs: number;
  imMaxPending: number;
  /** An IM conversation with no message for this long ends (its history is filed). */
  imConversationIdleMs: number;
  /** What one presence WebSocket may cost (docs/presence-protocol.md, "Limits"). */
  socket: PresenceSocketConfig;
}

/** What one presence WebSocket may cost (docs/presence-protocol.md, "Limits"). */
export interface PresenceSocketConfig {
  maxFrameBytes: number;
  messagesPerSecond: number;
  messageBurst: number;
  maxSubscriptions: number;
  maxConnectionsPerUser: number;
  maxSendBufferBytes: number;
  pingIntervalMs: number;
}

/** presence-bridge's Graph-compatible REST API: the work one request may cause. */
export interface GraphApiConfig {
  /** Ids in one getPresencesByUserId. */
  maxBatchIds: number;
  /** Largest request body read. */
  maxBodyBytes: number;
  /** Longest expiration of a preferred presence. */
  maxPreferredPresenceMs: number;
}

/** presence-bridge's SIP front (docs/sip.md). */
export interface SipConfig {
  /** The digest realm; the directory stores each password's HA1 for it. */
  realm: string;
  /** SIP over TCP; a port of 0 is a listener not started. */
  tcpHost: string;
  tcpPort: number;
  /** SIP over TLS on `tcpHost`: started only with `tls` and a port other than 0. */
  tlsPort: number;
  /** Operator-supplied PEM files; both or neither (no self-signed fallback: SIP over TLS is off without them). */
  tls: { certFile: string; keyFile: string } | undefined;
  maxRequestsPerSecond: number;
  maxConnectionsPerAddress: number;
  registerMinExpires: number;
  registerMaxExpires: number;
  maxRegistrationsPerUser: number;
  /** SUBSCRIBE dialogs one user may hold on one replica. */
  maxSubscriptionsPerUser: number;
}

/** voicemail-ingest's SMTP front (PARLEY_SMTP_*, docs/smtp.md). A port of 0 is a listener not started. */
export interface SmtpConfig {
  host: string;
  submissionPort: number;
  implicitTlsPort: number;
  /** 0 also when the allow-list is empty: the relay is off then. */
  relayPort: number;
  /** Addresses / CIDRs that may use the trusted relay. */
  relayAllowList: string[];
  /** Load balancers whose connections start with a PROXY protocol header (exact addresses). */
  proxyProtocolFrom: string[];
  /** The greeting's and `Received:` headers' host name; undefined: the machine's. */
  hostname: string | undefined;
  /** Operator-supplied PEM files; both or neither. */
  tls: { certFile: string; keyFile: string } | undefined;
  /** Where the self-signed certificate is made and kept when `tls` is undefined. */
  selfSignedDir: string;
  maxMessageBytes: number;
  maxRecipients: number;
  maxConnections: number;
  maxConnectionsPerClient: number;
  socketTimeoutMs: number;
  maxUnauthenticatedCommands: number;
}

/** voicemail-ingest's outbound mail queue and its smarthost (PARLEY_SMTP_SMARTHOST*, PARLEY_SMTP_OUTBOUND_*, docs/smtp.md). */
export interface OutboundMailConfig {
  /** Undefined: no smarthost, mail to other domains is refused (the queue still delivers to Parley's mailboxes). */
  smarthost: SmarthostConfig | undefined;
  /** The name this side gives in EHLO and in DSNs (`Reporting-MTA`); undefined: the machine's. */
  hostname: string | undefined;
  retryWindowMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  pollMaxMs: number;
}

export interface SmarthostConfig {
  host: string;
  port: number;
  tls: 'required' | 'opportunistic' | 'implicit';
  /** A PEM file of CA certificates to verify the smarthost against; undefined: Node's public CAs. */
  caFile: string | undefined;
  auth: { user: string; password: string } | undefined;
}

/** voicemail-ingest's HTTP voicemail drop: what one drop may hold and cost. */
export interface VoicemailDropConfig {
  maxAudioBytes: number;
  maxMetadataBytes: number;
  /** Parts (files and fields) in one multipart body. */
  maxParts: number;
  maxRecipients: number;
  /** Drops per PBX key per minute, per replica. */
  requestsPerMinute: number;
}

/** voicemail-ingest's mailbox message store (PARLEY_MAILBOX_*). */
export interface MailboxStoreConfig {
  /** Where blobs live: files under a directory, or the service's PostgreSQL schema. */
  blobs: { kind: 'filesystem'; directory: string } | { kind: 'postgres' };
  /** Octets a mailbox's messages may take; null: unlimited. */
  quotaBytes: number | null;
  orphanGraceMs: number;
  sweepIntervalMs: number;
  /** OOF auto-replies to external senders with the audience Known: how far back Sent Items counts. */
  oofKnownSenderDays: number;
}

export interface HttpConfig {
  host: string;
  port: number;
  bodyLimitBytes: number;
  /** How long a request's head, and then its body, may take to arrive (408 and close past it). */
  bodyTimeoutMs: number;
  /** Open connections at most; past it new ones are closed on accept. */
  maxConnections: number;
}

/** The ordered shutdown on SIGTERM (libs/shared/bootstrap). */
export interface ShutdownConfig {
  /** How long readiness fails while everything still serves, before the listeners close. */
  delayMs: number;
  /** The whole budget, the delay included; past it the process exits non-zero. */
  graceMs: number;
}

/** The typed view of an app's variables that every service module receives. */
export interface RuntimeConfig {
  service: string;
  version: string;
  instanceId: string;
  http: HttpConfig;
  shutdown: ShutdownConfig;
  /** The separate `/metrics` listener; port 0: none. */
  metrics: { host: string; port: number };
  logLevel: SharedEnv['PARLEY_LOG_LEVEL'];
  logFormat: SharedEnv['PARLEY_LOG_FORMAT'];
  bus: BusConfig;
  database: DatabaseConfig;
  deadLetters: DeadLetterConfig;
  /** Present when the app runs ews-gateway (its schema then holds these variables). */
  ews?: EwsConfig;
  /** Present when the app runs a service that authenticates callers (`authenticatingServices`). */
  auth?: AuthConfig;
  /** Present when the app runs calendar-sync. */
  calendar?: CalendarConfig;
  /** Present when the app runs presence-bridge. */
  presence?: PresenceConfig;
  graph?: GraphApiConfig;
  /** Present when the app runs presence-bridge. */
  sip?: SipConfig;
  /** Present when the app runs voicemail-ingest. */
  smtp?: SmtpConfig;
  /** Present when the app runs voicemail-ingest. */
  outboundMail?: OutboundMailConfig;
  voicemailDrop?: VoicemailDropConfig;
  mailbox?: MailboxStoreConfig;
}

/** `http://<host>:<port>`, with a wildcard listen address replaced by one a client can reach. */
function defaultPublicUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${reachable}:${port}`;
}

export function toRuntimeConfig(
  service: string,
  version: string,
  env: ParleyEnv,
  opts: {
    /** The services the app runs: their parts of the schema were parsed into `env`. */
    services: readonly ServiceName[];
    requireDatabaseUrl: boolean;
    /** The embedded mode's generated secret, used when PARLEY_ID_SECRET is unset. */
    idSecret?: string;
  },
): RuntimeConfig {
  const problems: string[] = [];
  const runs = (name: ServiceName) => opts.services.includes(name);
  const idSecret = env.PARLEY_ID_SECRET ?? opts.idSecret;
  // ews-gateway mints EWS ids, so whatever runs it needs the secret.
  if (runs('ews-gateway') && idSecret === undefined) {
    problems.push('PARLEY_ID_SECRET: required for ews-gateway (at least 32 characters, the same on every replica, never changed)');
  }
  if (env.PARLEY_BUS === 'kafka' && env.KAFKA_BROKERS.length === 0) problems.push('KAFKA_BROKERS: required when PARLEY_BUS=kafka');
  if (env.PARLEY_METRICS_PORT !== 0 && env.PARLEY_METRICS_PORT === env.PARLEY_HTTP_PORT) {
    problems.push('PARLEY_METRICS_PORT: must differ from PARLEY_HTTP_PORT (metrics are never served on the public port; 0 turns them off)');
  }
  if (env.PARLEY_SHUTDOWN_DELAY_MS >= env.PARLEY_SHUTDOWN_GRACE_MS) {
    problems.push('PARLEY_SHUTDOWN_DELAY_MS: must be less than PARLEY_SHUTDOWN_GRACE_MS (the grace includes the delay)');
  }
  if (opts.requireDatabaseUrl && !env.DATABASE_URL) problems.push('DATABASE_URL: required (postgres://user:pass@host:5432/db)');
  const kafkaSecurity = kafkaSecurityOf(env, problems);
  const presenceEnv = runs('presence-bridge') ? (env as PresenceBridgeEnv) : undefined;
  if (presenceEnv && presenceEnv.PARLEY_PRESENCE_AWAY_AFTER_MS <= presenceEnv.PARLEY_PRESENCE_IDLE_AFTER_MS) {
    problems.push('PARLEY_PRESENCE_AWAY_AFTER_MS: must be greater than PARLEY_PRESENCE_IDLE_AFTER_MS');
  }
  // Three renewals per lifetime: one late or failed renewal must not cost a live replica its clients.
  if (presenceEnv && presenceEnv.PARLEY_PRESENCE_LEASE_RENEW_MS * 3 > presenceEnv.PARLEY_PRESENCE_LEASE_TTL_MS) {
    problems.push('PARLEY_PRESENCE_LEASE_RENEW_MS: must be at most a third of PARLEY_PRESENCE_LEASE_TTL_MS');
  }
  const smtpEnv = runs('voicemail-ingest') ? (env as SmtpEnv & { PARLEY_DATA_DIR?: string }) : undefined;
  if (smtpEnv && (smtpEnv.PARLEY_SMTP_TLS_CERT === undefined) !== (smtpEnv.PARLEY_SMTP_TLS_KEY === undefined)) {
    problems.push('PARLEY_SMTP_TLS_CERT: set together with PARLEY_SMTP_TLS_KEY (or neither, for a self-signed certificate)');
  }
  if (smtpEnv && (smtpEnv.PARLEY_SMTP_SMARTHOST_USERNAME === undefined) !== (smtpEnv.PARLEY_SMTP_SMARTHOST_PASSWORD === undefined)) {
    problems.push('PARLEY_SMTP_SMARTHOST_USERNAME: set together with PARLEY_SMTP_SMARTHOST_PASSWORD (AUTH at the smarthost), or neither');
  }
  if (smtpEnv && smtpEnv.PARLEY_SMTP_OUTBOUND_RETRY_BASE_MS > smtpEnv.PARLEY_SMTP_OUTBOUND_RETRY_MAX_MS) {
    problems.push('PARLEY_SMTP_OUTBOUND_RETRY_BASE_MS: must be at most PARLEY_SMTP_OUTBOUND_RETRY_MAX_MS');
  }
  const mailboxEnv = runs('voicemail-ingest') ? (env as MailboxStoreEnv) : undefined;
  // The embedded app's schema has PARLEY_DATA_DIR: its blobs live beside its database by default.
  const dataDir = (env as { PARLEY_DATA_DIR?: string }).PARLEY_DATA_DIR;
  const blobDir = mailboxEnv?.PARLEY_MAILBOX_BLOB_DIR ?? (dataDir === undefined ? undefined : path.resolve(dataDir, 'mailbox-blobs'));
  if (mailboxEnv?.PARLEY_MAILBOX_BLOB_STORE === 'filesystem' && blobDir === undefined) {
    problems.push('PARLEY_MAILBOX_BLOB_DIR: required when PARLEY_MAILBOX_BLOB_STORE=filesystem');
  }
  const sipFrontEnv = runs('presence-bridge') ? (env as SipFrontEnv) : undefined;
  if (sipFrontEnv && sipFrontEnv.PARLEY_SIP_REGISTER_MIN_EXPIRES > sipFrontEnv.PARLEY_SIP_REGISTER_MAX_EXPIRES) {
    problems.push('PARLEY_SIP_REGISTER_MIN_EXPIRES: must not exceed PARLEY_SIP_REGISTER_MAX_EXPIRES');
  }
  if (sipFrontEnv && (sipFrontEnv.PARLEY_SIP_TLS_CERT === undefined) !== (sipFrontEnv.PARLEY_SIP_TLS_KEY === undefined)) {
    problems.push('PARLEY_SIP_TLS_CERT: set together with PARLEY_SIP_TLS_KEY (or neither: SIP over TLS off)');
  }
  if (problems.length) throw new ConfigError(problems);
  // The casts hold because the app's schema is composed from the parts of the services it runs.
  const ewsEnv = runs('ews-gateway') ? (env as SharedEnv & EwsGatewayEnv) : undefined;
  const calendarEnv = runs('calendar-sync') ? (env as CalendarSyncEnv) : undefined;
  const authEnv = authenticatingServices.some(runs) ? (env as AuthEnv) : undefined;
  const graphEnv = runs('presence-bridge') ? (env as GraphApiEnv) : undefined;
  const sipEnv = runs('presence-bridge') ? (env as SipRealmEnv & SipFrontEnv) : undefined;
  const dropEnv = runs('voicemail-ingest') ? (env as VoicemailDropEnv) : undefined;
  return {
    service,
    version,
    instanceId: env.PARLEY_INSTANCE_ID,
    http: {
      host: env.PARLEY_HTTP_HOST,
      port: env.PARLEY_HTTP_PORT,
      bodyLimitBytes: env.PARLEY_HTTP_BODY_LIMIT_BYTES,
      bodyTimeoutMs: env.PARLEY_HTTP_BODY_TIMEOUT_MS,
      maxConnections: env.PARLEY_HTTP_MAX_CONNECTIONS,
    },
    shutdown: { delayMs: env.PARLEY_SHUTDOWN_DELAY_MS, graceMs: env.PARLEY_SHUTDOWN_GRACE_MS },
    metrics: { host: env.PARLEY_METRICS_HOST, port: env.PARLEY_METRICS_PORT },
    logLevel: env.PARLEY_LOG_LEVEL,
    logFormat: env.PARLEY_LOG_FORMAT,
    bus: {
      kind: env.PARLEY_BUS,
      brokers: env.KAFKA_BROKERS,
      clientId: env.KAFKA_CLIENT_ID ?? `parley-${service}`,
      groupPrefix: env.KAFKA_GROUP_PREFIX,
      partitions: env.KAFKA_PARTITIONS,
      replicationFactor: env.KAFKA_REPLICATION_FACTOR,
      requestTimeoutMs: env.PARLEY_REQUEST_TIMEOUT_MS,
      security: kafkaSecurity,
    },
    database: {
      url: env.DATABASE_URL,
      poolSize: env.PARLEY_DB_POOL_SIZE,
      migrate: env.PARLEY_DB_MIGRATE,
      outboxPollMs: env.PARLEY_OUTBOX_POLL_MS,
      outboxBatchSize: env.PARLEY_OUTBOX_BATCH_SIZE,
    },
    deadLetters: {
      maxAttempts: env.PARLEY_DLQ_MAX_ATTEMPTS,
      initialBackoffMs: env.PARLEY_DLQ_BACKOFF_MS,
      retryBudgetMs: env.PARLEY_DLQ_RETRY_BUDGET_MS,
      replayPollMs: env.PARLEY_DLQ_REPLAY_POLL_MS,
    },
    ews: ewsEnv && ewsConfigOf(ewsEnv, idSecret),
    auth: authEnv && authConfigOf(authEnv, ewsEnv?.PARLEY_PUBLIC_URL),
    sip: sipEnv && {
      realm: sipEnv.PARLEY_SIP_REALM,
      tcpHost: sipEnv.PARLEY_SIP_TCP_HOST,
      tcpPort: sipEnv.PARLEY_SIP_TCP_PORT,
      tlsPort: sipEnv.PARLEY_SIP_TLS_PORT,
      tls:
        sipEnv.PARLEY_SIP_TLS_CERT !== undefined && sipEnv.PARLEY_SIP_TLS_KEY !== undefined
          ? { certFile: sipEnv.PARLEY_SIP_TLS_CERT, keyFile: sipEnv.PARLEY_SIP_TLS_KEY }
          : undefined,
      maxRequestsPerSecond: sipEnv.PARLEY_SIP_MAX_REQUESTS_PER_SECOND,
      maxConnectionsPerAddress: sipEnv.PARLEY_SIP_MAX_CONNECTIONS_PER_ADDRESS,
      registerMinExpires: sipEnv.PARLEY_SIP_REGISTER_MIN_EXPIRES,
      registerMaxExpires: sipEnv.PARLEY_SIP_REGISTER_MAX_EXPIRES,
      maxRegistrationsPerUser: sipEnv.PARLEY_SIP_MAX_REGISTRATIONS_PER_USER,
      maxSubscriptionsPerUser: sipEnv.PARLEY_SIP_MAX_SUBSCRIPTIONS_PER_USER,
    },
    graph: graphEnv && {
      maxBatchIds: graphEnv.PARLEY_GRAPH_MAX_BATCH_IDS,
      maxBodyBytes: graphEnv.PARLEY_GRAPH_MAX_BODY_BYTES,
      maxPreferredPresenceMs: graphEnv.PARLEY_GRAPH_PREFERRED_PRESENCE_MAX_DAYS * 86_400_000,
    },
    smtp: smtpEnv && smtpConfigOf(smtpEnv),
    outboundMail: smtpEnv && outboundMailConfigOf(smtpEnv),
    voicemailDrop: dropEnv && {
      maxAudioBytes: dropEnv.PARLEY_VOICEMAIL_DROP_MAX_AUDIO_BYTES,
      maxMetadataBytes: dropEnv.PARLEY_VOICEMAIL_DROP_MAX_METADATA_BYTES,
      maxParts: dropEnv.PARLEY_VOICEMAIL_DROP_MAX_PARTS,
      maxRecipients: dropEnv.PARLEY_VOICEMAIL_DROP_MAX_RECIPIENTS,
      requestsPerMinute: dropEnv.PARLEY_VOICEMAIL_DROP_REQUESTS_PER_MINUTE,
    },
    mailbox: mailboxEnv && {
      blobs:
        mailboxEnv.PARLEY_MAILBOX_BLOB_STORE === 'filesystem' ? { kind: 'filesystem', directory: blobDir as string } : { kind: 'postgres' },
      quotaBytes: mailboxEnv.PARLEY_MAILBOX_QUOTA_BYTES === 0 ? null : mailboxEnv.PARLEY_MAILBOX_QUOTA_BYTES,
      orphanGraceMs: mailboxEnv.PARLEY_MAILBOX_ORPHAN_GRACE_MS,
      sweepIntervalMs: mailboxEnv.PARLEY_MAILBOX_SWEEP_INTERVAL_MS,
      oofKnownSenderDays: mailboxEnv.PARLEY_OOF_KNOWN_SENDER_DAYS,
    },
    calendar: calendarEnv && {
      defaultWorkingHoursTimeZone: calendarEnv.PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE,
      presenceTimerPollMaxMs: calendarEnv.PARLEY_CALENDAR_TIMER_POLL_MAX_MS,
      presenceTimerBatchSize: calendarEnv.PARLEY_CALENDAR_TIMER_BATCH_SIZE,
    },
    presence: presenceEnv && {
      idleAfterMs: presenceEnv.PARLEY_PRESENCE_IDLE_AFTER_MS,
      awayAfterMs: presenceEnv.PARLEY_PRESENCE_AWAY_AFTER_MS,
      timerPollMaxMs: presenceEnv.PARLEY_PRESENCE_TIMER_POLL_MAX_MS,
      timerBatchSize: presenceEnv.PARLEY_PRESENCE_TIMER_BATCH_SIZE,
      leaseTtlMs: presenceEnv.PARLEY_PRESENCE_LEASE_TTL_MS,
      leaseRenewMs: presenceEnv.PARLEY_PRESENCE_LEASE_RENEW_MS,
      maxEndpointsPerUser: presenceEnv.PARLEY_PRESENCE_MAX_ENDPOINTS_PER_USER,
      imMaxChars: presenceEnv.PARLEY_PRESENCE_IM_MAX_CHARS,
      imReceiptTimeoutMs: presenceEnv.PARLEY_PRESENCE_IM_RECEIPT_TIMEOUT_MS,
      imMaxPending: presenceEnv.PARLEY_PRESENCE_IM_MAX_PENDING,
      imConversationIdleMs: presenceEnv.PARLEY_PRESENCE_IM_CONVERSATION_IDLE_MS,
      socket: {
        maxFrameBytes: presenceEnv.PARLEY_PRESENCE_WS_MAX_FRAME_BYTES,
        messagesPerSecond: presenceEnv.PARLEY_PRESENCE_WS_MESSAGES_PER_SECOND,
        messageBurst: presenceEnv.PARLEY_PRESENCE_WS_MESSAGE_BURST,
        maxSubscriptions: presenceEnv.PARLEY_PRESENCE_WS_MAX_SUBSCRIPTIONS,
        maxConnectionsPerUser: presenceEnv.PARLEY_PRESENCE_WS_MAX_CONNECTIONS_PER_USER,
        maxSendBufferBytes: presenceEnv.PARLEY_PRESENCE_WS_MAX_SEND_BUFFER_BYTES,
        pingIntervalMs: presenceEnv.PARLEY_PRESENCE_WS_PING_INTERVAL_MS,
      },
    },
  };
}

/** KAFKA_SSL* and KAFKA_SASL_* as one object; what cannot work together is added to `problems`. */
function kafkaSecurityOf(env: ParleyEnv, problems: string[]): KafkaSecurityConfig {
  const { KAFKA_SSL_CA_FILE: caFile, KAFKA_SSL_CERT_FILE: certFile, KAFKA_SSL_KEY_FILE: keyFile } = env;
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = env;
  const anyFile = [caFile, certFile, keyFile].some((f) => f !== undefined);
  // A file alone turns TLS on: naming a CA or a client certificate means nothing without it.
  const ssl = env.KAFKA_SSL ?? anyFile;
  if (!ssl && anyFile) problems.push('KAFKA_SSL: is false, but a KAFKA_SSL_*_FILE is set (they are used only with TLS)');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    problems.push('KAFKA_SSL_CERT_FILE: set together with KAFKA_SSL_KEY_FILE (the client certificate for mutual TLS), or neither');
  }
  if (mechanism === undefined) {
    if (username !== undefined || password !== undefined) {
      problems.push(
        'KAFKA_SASL_MECHANISM: required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set (scram-sha-512, scram-sha-256 or plain)',
      );
    }
  } else {
    if (username === undefined) problems.push(`KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM=${mechanism}`);
    if (password === undefined) problems.push(`KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM=${mechanism}`);
    // SCRAM never sends the password itself; PLAIN does, so it would cross the network readable.
    if (mechanism === 'plain' && !ssl)
      problems.push('KAFKA_SASL_MECHANISM: plain sends the password as it is; use it only with KAFKA_SSL=true');
  }
  return {
    tls: ssl
      ? { caFile, clientCertificate: certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : undefined }
      : undefined,
    sasl: mechanism !== undefined && username !== undefined && password !== undefined ? { mechanism, username, password } : undefined,
  };
}

function ewsConfigOf(env: SharedEnv & EwsGatewayEnv, idSecret: string | undefined): EwsConfig {
  return {
    publicUrl: (env.PARLEY_PUBLIC_URL ?? defaultPublicUrl(env.PARLEY_HTTP_HOST, env.PARLEY_HTTP_PORT)).replace(/\/+$/, ''),
    webRoot: path.resolve(env.PARLEY_WEB_ROOT),
    idSecret,
    freeBusyCacheTtlMs: env.PARLEY_EWS_FREE_BUSY_CACHE_MS,
    xmlLimits: {
      maxDepth: env.PARLEY_EWS_XML_MAX_DEPTH,
      maxElements: env.PARLEY_EWS_XML_MAX_ELEMENTS,
      maxAttributesPerElement: env.PARLEY_EWS_XML_MAX_ATTRIBUTES_PER_ELEMENT,
      maxAttributes: env.PARLEY_EWS_XML_MAX_ATTRIBUTES,
      maxAttributeLength: env.PARLEY_EWS_XML_MAX_ATTRIBUTE_LENGTH,
      maxTextLength: env.PARLEY_EWS_XML_MAX_TEXT_LENGTH,
      maxTotalTextLength: env.PARLEY_EWS_XML_MAX_TOTAL_TEXT_LENGTH,
    },
    maxBatchItems: env.PARLEY_EWS_MAX_BATCH_ITEMS,
    maxAvailabilityMailboxes: env.PARLEY_EWS_MAX_AVAILABILITY_MAILBOXES,
    notifications: {
      maxSubscriptionsPerMailbox: env.PARLEY_EWS_MAX_SUBSCRIPTIONS_PER_MAILBOX,
      maxStreamingConnectionsPerUser: env.PARLEY_EWS_MAX_STREAMING_CONNECTIONS_PER_USER,
      maxSubscriptionsPerConnection: env.PARLEY_EWS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      streamingHeartbeatMs: env.PARLEY_EWS_STREAMING_HEARTBEAT_MS,
      eventRetentionMs: env.PARLEY_EWS_EVENT_RETENTION_HOURS * 3_600_000,
      push: {
        allowed: env.PARLEY_EWS_PUSH_ALLOWED,
        timeoutMs: env.PARLEY_EWS_PUSH_TIMEOUT_MS,
        maxRetries: env.PARLEY_EWS_PUSH_MAX_RETRIES,
        retryBackoffMs: env.PARLEY_EWS_PUSH_RETRY_BACKOFF_MS,
      },
    },
  };
}

function smtpConfigOf(env: SmtpEnv & { PARLEY_DATA_DIR?: string }): SmtpConfig {
  const { PARLEY_SMTP_TLS_CERT: certFile, PARLEY_SMTP_TLS_KEY: keyFile } = env;
  return {
    host: env.PARLEY_SMTP_HOST,
    submissionPort: env.PARLEY_SMTP_SUBMISSION_PORT,
    implicitTlsPort: env.PARLEY_SMTP_IMPLICIT_TLS_PORT,
    relayPort: env.PARLEY_SMTP_RELAY_CIDRS.length === 0 ? 0 : env.PARLEY_SMTP_RELAY_PORT,
    relayAllowList: env.PARLEY_SMTP_RELAY_CIDRS,
    proxyProtocolFrom: env.PARLEY_SMTP_PROXY_PROTOCOL_FROM,
    hostname: env.PARLEY_SMTP_HOSTNAME,
    tls: certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : undefined,
    selfSignedDir: path.resolve(env.PARLEY_SMTP_TLS_DIR ?? path.join(env.PARLEY_DATA_DIR ?? './data', 'smtp-tls')),
    maxMessageBytes: env.PARLEY_SMTP_MAX_MESSAGE_BYTES,
    maxRecipients: env.PARLEY_SMTP_MAX_RECIPIENTS,
    maxConnections: env.PARLEY_SMTP_MAX_CONNECTIONS,
    maxConnectionsPerClient: env.PARLEY_SMTP_MAX_CONNECTIONS_PER_CLIENT,
    socketTimeoutMs: env.PARLEY_SMTP_SOCKET_TIMEOUT_MS,
    maxUnauthenticatedCommands: env.PARLEY_SMTP_MAX_UNAUTHENTICATED_COMMANDS,
  };
}

function outboundMailConfigOf(env: SmtpEnv): OutboundMailConfig {
  const smarthost = env.PARLEY_SMTP_SMARTHOST;
  const { PARLEY_SMTP_SMARTHOST_USERNAME: user, PARLEY_SMTP_SMARTHOST_PASSWORD: password } = env;
  return {
    smarthost: smarthost && {
      host: smarthost.host,
      port: smarthost.port,
      tls: env.PARLEY_SMTP_SMARTHOST_TLS,
      caFile: env.PARLEY_SMTP_SMARTHOST_CA_FILE,
      auth: user !== undefined && password !== undefined ? { user, password } : undefined,
    },
    hostname: env.PARLEY_SMTP_HOSTNAME,
    retryWindowMs: env.PARLEY_SMTP_OUTBOUND_RETRY_WINDOW_MS,
    retryBaseMs: env.PARLEY_SMTP_OUTBOUND_RETRY_BASE_MS,
    retryMaxMs: env.PARLEY_SMTP_OUTBOUND_RETRY_MAX_MS,
    pollMaxMs: env.PARLEY_SMTP_OUTBOUND_POLL_MAX_MS,
  };
}

function authConfigOf(env: AuthEnv, publicUrl: string | undefined): AuthConfig {
  const allowedOrigins = [...env.PARLEY_WEB_ALLOWED_ORIGINS];
  if (publicUrl !== undefined) allowedOrigins.push(new URL(publicUrl).origin);
  return {
    tokenKey: env.PARLEY_AUTH_TOKEN_KEY,
    credentialCacheTtlMs: env.PARLEY_AUTH_CACHE_TTL_MS,
    signIn: signInConfigOf(env),
    web: {
      idleTimeoutMs: env.PARLEY_WEB_SESSION_IDLE_MINUTES * 60_000,
      maxLifetimeMs: env.PARLEY_WEB_SESSION_MAX_HOURS * 3_600_000,
      maxPerUser: env.PARLEY_WEB_SESSION_MAX_PER_USER,
      allowedOrigins: [...new Set(allowedOrigins)],
    },
  };
}

function signInConfigOf(env: AuthEnv): SignInConfig {
  return {
    failureWindowMs: env.PARLEY_SIGN_IN_FAILURE_WINDOW_MS,
    maxFailuresPerAccountAddress: env.PARLEY_SIGN_IN_MAX_FAILURES_PER_ACCOUNT_ADDRESS,
    maxFailuresPerAddress: env.PARLEY_SIGN_IN_MAX_FAILURES_PER_ADDRESS,
    accountDelayStepMs: env.PARLEY_SIGN_IN_ACCOUNT_DELAY_STEP_MS,
    accountMaxDelayMs: env.PARLEY_SIGN_IN_ACCOUNT_MAX_DELAY_MS,
    trustedProxies: env.PARLEY_TRUSTED_PROXIES,
  };
}
