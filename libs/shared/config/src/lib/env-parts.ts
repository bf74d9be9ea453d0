import { parseTrustedProxies } from '@parley/sign-in';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { z } from 'zod';
import { boolText, formerNameOf, instanceName, intBetween, portNumber, retired, withDefault, withoutDefault } from './env-key';

// The environment in parts, each the variables one concern reads. An app's schema is the parts its
// services read (service-env.ts); a part that differs between apps takes the app's profile.

/** What differs between the embedded app and a service running as its own process. */
export interface AppProfile {
  httpPort: number;
  /** Loopback in the embedded app; the pod address for a service (Kubernetes scrapes the pod port). */
  metrics: { host: string; port: number };
  bus: 'inprocess' | 'kafka';
  migrate: boolean;
  /** The embedded app starts its own PostgreSQL and generates the id secret; a service needs both given. */
  embedded: boolean;
}

export function httpEnv(app: AppProfile) {
  return {
    PARLEY_HTTP_HOST: withDefault(z.string().min(1), '127.0.0.1', 'address HTTP listens on'),
    PARLEY_HTTP_PORT: withDefault(portNumber, String(app.httpPort), "HTTP port (health and the service's own endpoints)"),
    PARLEY_HTTP_BODY_LIMIT_BYTES: withDefault(
      z.coerce.number().int().positive(),
      String(10 * 1024 * 1024),
      'largest accepted HTTP request body',
    ),
    PARLEY_HTTP_BODY_TIMEOUT_MS: withDefault(
      intBetween(1000, 600_000),
      '30000',
      'how long a request\'s head, and then its body, may take to arrive (1000–600000); past it `408` and the connection is closed (`docs/operations.md`, "The HTTP front")',
    ),
    PARLEY_HTTP_MAX_CONNECTIONS: withDefault(
      intBetween(1, 1_000_000),
      '4096',
      'open HTTP connections at most per process; further ones are closed on accept (`parley_http_connections_dropped_total`); keep it under the file-descriptor limit',
    ),
  };
}

/** The ordered shutdown on SIGTERM (`docs/architecture.md`, "Graceful shutdown"). */
export function shutdownEnv(app: AppProfile) {
  return {
    PARLEY_SHUTDOWN_DELAY_MS: withDefault(
      intBetween(0, 300_000),
      app.embedded ? '0' : '5000',
      'after SIGTERM, how long `/readyz` answers `503` while everything still serves, so load balancers and Kubernetes endpoints stop routing here before the listeners close (0–300000)',
    ),
    PARLEY_SHUTDOWN_GRACE_MS: withDefault(
      intBetween(1000, 3_600_000),
      '25000',
      "the whole shutdown budget, the delay included (1000–3600000); past it the process logs what was still open and exits non-zero. Keep Kubernetes' `terminationGracePeriodSeconds` above it",
    ),
  };
}

export function metricsEnv(app: AppProfile) {
  return {
    PARLEY_METRICS_HOST: withDefault(
      z.string().min(1),
      app.metrics.host,
      'address of the `/metrics` listener (a service in a pod: the pod address, which Prometheus scrapes)',
    ),
    PARLEY_METRICS_PORT: withDefault(
      portNumber,
      String(app.metrics.port),
      'port of the `/metrics` listener, never the same as `PARLEY_HTTP_PORT`; `0`: no metrics listener',
    ),
  };
}

export const loggingEnv = {
  PARLEY_LOG_LEVEL: withDefault(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    'info',
    '`fatal` … `trace`, `silent`',
  ),
  PARLEY_LOG_FORMAT: withDefault(
    z.enum(['auto', 'json', 'pretty']),
    'auto',
    '`json` (one JSON object per line), `pretty` (readable lines, pino-pretty) or `auto`: pretty when stdout is a terminal, JSON otherwise',
  ),
};

/** TLS and SASL to the Kafka brokers (docs/kafka-security.md); the files are read at start. */
export const kafkaSecurityEnv = {
  KAFKA_SSL: withoutDefault(
    boolText.optional(),
    '`true` when a `KAFKA_SSL_*_FILE` is set, else `false`',
    "TLS to the brokers; with `true` and no `KAFKA_SSL_CA_FILE` the broker certificate is verified against Node's built-in public CAs (a managed service with a public CA). Verification is never turned off (`docs/kafka-security.md`)",
  ),
  KAFKA_SSL_CA_FILE: withoutDefault(
    z.string().min(1).optional(),
    "— (Node's public CAs)",
    "PEM file of the CA certificate(s) that signed the brokers' certificates, trusted instead of the public CAs (Strimzi: `ca.crt` of the `<cluster>-cluster-ca-cert` Secret)",
  ),
  KAFKA_SSL_CERT_FILE: withoutDefault(
    z.string().min(1).optional(),
    '— (no client certificate)',
    'PEM client certificate (chain) for mutual TLS (Strimzi `authentication: tls`: `user.crt` of the KafkaUser Secret); set with `KAFKA_SSL_KEY_FILE`',
  ),
  KAFKA_SSL_KEY_FILE: withoutDefault(
    z.string().min(1).optional(),
    '—',
    'PEM private key (unencrypted) of `KAFKA_SSL_CERT_FILE` (Strimzi: `user.key`)',
  ),
  KAFKA_SASL_MECHANISM: withoutDefault(
    z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
    '— (no SASL)',
    '`scram-sha-512`, `scram-sha-256` or `plain` (only with TLS: PLAIN sends the password as it is); needs `KAFKA_SASL_USERNAME` and `KAFKA_SASL_PASSWORD`',
  ),
  KAFKA_SASL_USERNAME: withoutDefault(z.string().min(1).optional(), '—', "SASL user name (Strimzi: the KafkaUser's name)"),
  KAFKA_SASL_PASSWORD: withoutDefault(
    z.string().min(1).optional(),
    '—',
    'SASL password, from a Secret (Strimzi: `password` of the KafkaUser Secret); never logged',
  ),
};

export function busEnv(app: AppProfile) {
  return {
    PARLEY_BUS: withDefault(z.enum(['inprocess', 'kafka']), app.bus, 'message transport'),
    KAFKA_BROKERS: withoutDefault(
      z
        .string()
        .optional()
        .transform((v) =>
          v
            ? v
                .split(',')
                .map((b) => b.trim())
                .filter(Boolean)
            : [],
        )
        .refine((list) => list.every((b) => /^[^\s:]+:\d+$/.test(b)), 'must be a comma-separated list of host:port'),
      '—',
      '`host:port,…`; required with `PARLEY_BUS=kafka`',
    ),
    KAFKA_CLIENT_ID: withoutDefault(z.string().min(1).optional(), '`parley-<service>`', 'Kafka client id prefix'),
    KAFKA_GROUP_PREFIX: withDefault(
      instanceName,
      'parley',
      'consumer groups are `<prefix>.<service>`; give each deployment on a shared cluster its own',
    ),
    KAFKA_PARTITIONS: withDefault(intBetween(1, 1000), '6', 'partitions of topics Parley creates'),
    KAFKA_REPLICATION_FACTOR: withDefault(intBetween(1, 7), '1', 'replication factor of topics Parley creates'),
    ...kafkaSecurityEnv,
    PARLEY_REQUEST_TIMEOUT_MS: withDefault(intBetween(100, 120_000), '5000', 'how long a command waits for its reply'),
    PARLEY_INSTANCE_ID: withoutDefault(
      instanceName.prefault(() => `${hostname()}-${process.pid}`),
      '`<hostname>-<pid>`',
      'names this replica (its reply consumer group)',
    ),
  };
}

/** `DATABASE_URL` alone: the admin CLI reads it without the pool and outbox settings. */
export function databaseUrlEnv(whenUnset: string) {
  return {
    DATABASE_URL: withoutDefault(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
        .optional(),
      whenUnset,
      '`postgres://…`; required for the separate services',
    ),
  };
}

export function databaseEnv(app: AppProfile) {
  return {
    ...databaseUrlEnv(app.embedded ? 'its own PostgreSQL' : 'required'),
    PARLEY_DB_POOL_SIZE: withDefault(intBetween(1, 200), '10', 'connections per service database'),
    PARLEY_DB_MIGRATE: withDefault(boolText, String(app.migrate), 'run migrations at start (otherwise run `main.js migrate`)'),
    PARLEY_OUTBOX_POLL_MS: withDefault(intBetween(10, 60_000), '500', 'how often the outbox relay looks for rows other replicas committed'),
    PARLEY_OUTBOX_BATCH_SIZE: withDefault(
      intBetween(1, 10_000),
      '1000',
      'most outbox rows the relay publishes per transaction (larger drains a backlog faster, smaller keeps latency lower under load)',
    ),
  };
}

export const deadLetterEnv = {
  PARLEY_DLQ_MAX_ATTEMPTS: withDefault(
    intBetween(1, 20),
    '5',
    'deliveries of a consumed event whose handler fails transiently (the first included) before it is dead-lettered (`docs/architecture.md`, "Retries and dead letters")',
  ),
  PARLEY_DLQ_BACKOFF_MS: withDefault(
    intBetween(1, 5_000),
    '100',
    'wait before the first retry of a failed event; each further wait doubles',
  ),
  PARLEY_DLQ_RETRY_BUDGET_MS: withDefault(
    intBetween(0, 8_000),
    '5000',
    "longest time one event spends in retries before it is dead-lettered (at most `8000`: a Kafka partition waits meanwhile, and its consumer's session times out at 10 s)",
  ),
  PARLEY_DLQ_REPLAY_POLL_MS: withDefault(
    intBetween(100, 600_000),
    '2000',
    'how often each consumer group looks for dead letters an operator asked to replay (`dlq replay`)',
  ),
};

/** Failed-sign-in throttling and client addresses: read by every service that takes a password. */
export const signInEnv = {
  PARLEY_SIGN_IN_FAILURE_WINDOW_MS: withDefault(
    intBetween(1000, 86_400_000),
    '300000',
    "sliding window over which failed sign-ins count (EWS, Autodiscover, presence-bridge's fronts and SMTP AUTH of one process share one budget per client)",
  ),
  PARLEY_SIGN_IN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: withDefault(
    intBetween(1, 100_000),
    '10',
    'failures of one account from one client address in the window before that pair is refused (each front answers in its own form, EWS with `ErrorServerBusy`, HTTP 500, and `BackOffMilliseconds`); other addresses are not affected',
  ),
  PARLEY_SIGN_IN_MAX_FAILURES_PER_ADDRESS: withDefault(
    intBetween(1, 100_000),
    '100',
    'failures from one client address (any accounts) in the window before that address is refused, likewise',
  ),
  PARLEY_SIGN_IN_ACCOUNT_DELAY_STEP_MS: withDefault(
    intBetween(0, 60_000),
    '250',
    'delay each failure of an account (from any address, in the window) adds before its next password checks; an account is never refused for its own failures (`0`: no delay)',
  ),
  PARLEY_SIGN_IN_ACCOUNT_MAX_DELAY_MS: withDefault(intBetween(0, 60_000), '2000', 'cap of that delay'),
  PARLEY_TRUSTED_PROXIES: withoutDefault(
    z
      .string()
      .optional()
      .transform((text, ctx) => {
        try {
          return parseTrustedProxies(text ?? '');
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of addresses or CIDRs (${(error as Error).message})` });
          return z.NEVER;
        }
      }),
    '— (none)',
    "comma-separated addresses or CIDRs (IPv4, IPv6) of the load balancers / ingress in front of Parley's HTTP ports; from them the client address is the right-most `X-Forwarded-For` entry that is not itself a trusted proxy, from anyone else `X-Forwarded-For` is ignored (`docs/operations.md`). Throttling and logs use that address",
  ),
  // Replaced by the PARLEY_SIGN_IN_* keys (one throttling for every protocol); refused rather than silently ignored.
  PARLEY_EWS_AUTH_FAILURE_WINDOW_MS: retired('renamed to PARLEY_SIGN_IN_FAILURE_WINDOW_MS'),
  PARLEY_EWS_AUTH_MAX_FAILURES_PER_ACCOUNT: retired(
    'replaced by PARLEY_SIGN_IN_MAX_FAILURES_PER_ACCOUNT_ADDRESS (an account alone is never refused, see PARLEY_SIGN_IN_ACCOUNT_MAX_DELAY_MS)',
  ),
  PARLEY_EWS_AUTH_MAX_FAILURES_PER_ADDRESS: retired('renamed to PARLEY_SIGN_IN_MAX_FAILURES_PER_ADDRESS'),
};

/**
 * Sign-in, for every service with a front that authenticates callers (ews-gateway, presence-bridge, voicemail-ingest's SMTP AUTH):
 * bearer tokens, the credential cache and the sign-in throttle. One `AuthModule` per process reads it.
 */
export const authEnv = {
  PARLEY_AUTH_TOKEN_KEY: withoutDefault(
    z.string().min(32, 'must be at least 32 characters').optional(),
    '—',
    "key (≥ 32 characters) of the HMAC-SHA256 bearer tokens every front verifies and `parley-admin token issue` signs; the same on every replica of every service; without it only Basic is accepted. presence-bridge also derives its SIP digest nonce key from it, so that its replicas accept one another's nonces (docs/sip.md)",
  ),
  PARLEY_AUTH_CACHE_TTL_MS: withDefault(
    intBetween(0, 3_600_000),
    '60000',
    'how long verified Basic credentials skip the scrypt check (`0`: never); a password change reaches running sessions within it',
  ),
  // The web client's sessions: every front that accepts the session cookie (the gateway's sign-in, presence-bridge's).
  PARLEY_WEB_SESSION_IDLE_MINUTES: withDefault(
    intBetween(5, 43_200),
    '480',
    "a web client session ends after this many minutes without a request (5–43200; measured to within a minute: a session's expiry is moved forward at most once a minute)",
  ),
  PARLEY_WEB_SESSION_MAX_HOURS: withDefault(
    intBetween(1, 8_760),
    '168',
    'a web client session ends this many hours after its sign-in, however active (1–8760); the cookie lives as long',
  ),
  PARLEY_WEB_SESSION_MAX_PER_USER: withDefault(
    intBetween(1, 1_000),
    '20',
    "web client sessions one user may hold (1–1000); a sign-in past it ends the user's least recently used session",
  ),
  PARLEY_WEB_ALLOWED_ORIGINS: withoutDefault(
    originList(),
    '— (none)',
    "comma-separated origins (`https://host[:port]`) besides the request's own and `PARLEY_PUBLIC_URL`'s from which a browser may sign in, call the APIs with the session cookie or open the presence WebSocket; needed only when the proxy in front changes the `Host` header",
  ),
  // The names from when only the gateway authenticated; configurations written with them keep working.
  PARLEY_EWS_TOKEN_KEY: formerNameOf('PARLEY_AUTH_TOKEN_KEY'),
  PARLEY_EWS_AUTH_CACHE_TTL_MS: formerNameOf('PARLEY_AUTH_CACHE_TTL_MS'),
  ...signInEnv,
};

/** A comma-separated list of web origins (`scheme://host[:port]`, http or https, nothing more), each in its serialized form. */
function originList() {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      const origins: string[] = [];
      for (const entry of (text ?? '')
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean)) {
        const origin = originOf(entry);
        if (origin === undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `must be a comma-separated list of origins such as https://chat.example.com (got ${entry})`,
          });
          return z.NEVER;
        }
        origins.push(origin);
      }
      return origins;
    });
}

/** `https://Host:443/` → `https://host`; undefined for anything with a path, query, credentials or another scheme. */
function originOf(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') return undefined;
  return url.origin;
}

const RELAY_CIDRS_DOC =
  'comma-separated addresses or CIDRs (IPv4, IPv6) that may use the trusted relay (PBXes, devices); others are refused at connect with `554 5.7.1`; empty: the relay listener is not started';

/** A comma-separated list of IPv4/IPv6 addresses or CIDRs (unset or empty: none). */
function cidrList() {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      try {
        return parseTrustedProxies(text ?? '');
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of addresses or CIDRs (${(error as Error).message})` });
        return z.NEVER;
      }
    });
}

/** voicemail-ingest's SMTP front: listeners, TLS, the relay's allow-list and the limits of one session (docs/smtp.md). */
export function smtpEnv(app: AppProfile) {
  return {
    PARLEY_SMTP_HOST: withDefault(
      z.string().min(1),
      app.embedded ? '127.0.0.1' : '0.0.0.0',
      'address the SMTP listeners (submission, implicit TLS, relay) bind to',
    ),
    PARLEY_SMTP_SUBMISSION_PORT: withDefault(
      portNumber,
      app.embedded ? '2587' : '587',
      'SMTP submission port: STARTTLS, then AUTH PLAIN/LOGIN with mailbox credentials; `0`: off',
    ),
    PARLEY_SMTP_IMPLICIT_TLS_PORT: withDefault(
      portNumber,
      app.embedded ? '2465' : '465',
      'SMTP submission over implicit TLS (TLS from the first byte), then AUTH; `0`: off',
    ),
    PARLEY_SMTP_RELAY_PORT: withDefault(
      portNumber,
      app.embedded ? '2525' : '25',
      'trusted relay port: no AUTH, only from `PARLEY_SMTP_RELAY_CIDRS`, only to Parley mailboxes; `0` or an empty allow-list: off',
    ),
    PARLEY_SMTP_RELAY_CIDRS: app.embedded
      ? withDefault(cidrList(), '127.0.0.0/8', RELAY_CIDRS_DOC)
      : withoutDefault(cidrList(), '— (relay off)', RELAY_CIDRS_DOC),
    PARLEY_SMTP_PROXY_PROTOCOL_FROM: withoutDefault(
      z
        .string()
        .optional()
        .transform((text, ctx) => {
          const entries = (text ?? '')
            .split(',')
            .map((e) => e.trim())
            .filter(Boolean);
          const bad = entries.find((e) => isIP(e) === 0);
          if (bad !== undefined) {
            ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of IP addresses (not CIDRs): ${bad}` });
            return z.NEVER;
          }
          return entries;
        }),
      '— (none)',
      'comma-separated IP addresses of TCP load balancers in front of the SMTP listeners that send the PROXY protocol header (v1 or v2); connections from them must start with it, and the client address it names is the one the relay allow-list, the sign-in throttle and `Received:` use',
    ),
    PARLEY_SMTP_HOSTNAME: withoutDefault(
      z
        .string()
        .regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name')
        .optional(),
      "the machine's host name",
      'name the SMTP front greets with and writes in `Received:` headers (the name clients connect to, matching the certificate)',
    ),
    PARLEY_SMTP_TLS_CERT: withoutDefault(
      z.string().min(1).optional(),
      'a self-signed certificate in `PARLEY_SMTP_TLS_DIR`',
      'PEM certificate (chain) file of the SMTP listeners; set with `PARLEY_SMTP_TLS_KEY`; both files are read again on `SIGHUP`',
    ),
    PARLEY_SMTP_TLS_KEY: withoutDefault(z.string().min(1).optional(), '—', 'PEM private key file that goes with `PARLEY_SMTP_TLS_CERT`'),
    PARLEY_SMTP_TLS_DIR: withoutDefault(
      z.string().min(1).optional(),
      app.embedded ? '`<PARLEY_DATA_DIR>/smtp-tls`' : '`./data/smtp-tls`',
      'where the self-signed SMTP certificate is made on first start and kept (when `PARLEY_SMTP_TLS_CERT` is unset)',
    ),
    PARLEY_SMTP_MAX_MESSAGE_BYTES: withDefault(
      intBetween(1024, 1024 * 1024 * 1024),
      String(50 * 1024 * 1024),
      'largest message accepted (bytes, advertised as `SIZE`); larger, declared or sent, is refused with `552 5.3.4`',
    ),
    PARLEY_SMTP_MAX_RECIPIENTS: withDefault(
      intBetween(1, 10_000),
      '100',
      'most recipients of one message, by SMTP (more get `452 4.5.3`) or sent through EWS (more: `ErrorInvalidRecipients`)',
    ),
    PARLEY_SMTP_MAX_CONNECTIONS: withDefault(
      intBetween(1, 100_000),
      '500',
      'open SMTP connections at most per listener; a further one is answered `421` and closed',
    ),
    PARLEY_SMTP_MAX_CONNECTIONS_PER_CLIENT: withDefault(
      intBetween(1, 100_000),
      '20',
      'open SMTP connections at most from one client address (all listeners together); a further one is answered `421 4.7.0` and closed',
    ),
    PARLEY_SMTP_SOCKET_TIMEOUT_MS: withDefault(
      intBetween(1000, 3_600_000),
      '60000',
      'how long an SMTP connection may stay silent (also in the middle of `DATA`) before it is answered `421` and closed',
    ),
    PARLEY_SMTP_MAX_UNAUTHENTICATED_COMMANDS: withDefault(
      intBetween(1, 1000),
      '10',
      'commands a submission client may send before it has authenticated (EHLO, STARTTLS, NOOP, …); the next one is answered `421` and the connection closed',
    ),
    PARLEY_SMTP_SMARTHOST: withoutDefault(
      z
        .string()
        .optional()
        .transform((text, ctx) => {
          if (text === undefined || text.trim() === '') return undefined;
          const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]{1,253}):(\d{1,5})$/.exec(text.trim());
          const port = match ? Number(match[2]) : 0;
          if (!match || port < 1 || port > 65535) {
            ctx.addIssue({ code: 'custom', message: 'must be host:port (an IPv6 address in brackets)' });
            return z.NEVER;
          }
          return { host: match[1].replace(/^\[|\]$/g, ''), port };
        }),
      '— (outbound mail off: external recipients are refused)',
      'the smarthost (`host:port`) every message to a domain Parley does not serve goes through, from the outbound queue (`docs/smtp.md`, "Outbound mail"); unset: such recipients are refused as relaying',
    ),
    PARLEY_SMTP_SMARTHOST_TLS: withDefault(
      z.enum(['required', 'opportunistic', 'implicit']),
      'required',
      '`required`: STARTTLS or no delivery; `opportunistic`: STARTTLS when the smarthost offers it, else plain text; `implicit`: TLS from the first byte (port 465). The certificate is always verified',
    ),
    PARLEY_SMTP_SMARTHOST_CA_FILE: withoutDefault(
      z.string().min(1).optional(),
      "Node's built-in public CAs",
      "PEM CA certificate(s) the smarthost's certificate is verified against (a private CA)",
    ),
    PARLEY_SMTP_SMARTHOST_USERNAME: withoutDefault(
      z.string().min(1).optional(),
      '— (no AUTH)',
      'user name for SMTP AUTH at the smarthost; set with `PARLEY_SMTP_SMARTHOST_PASSWORD`',
    ),
    PARLEY_SMTP_SMARTHOST_PASSWORD: withoutDefault(
      z.string().min(1).optional(),
      '—',
      'password for SMTP AUTH at the smarthost, from a Secret; never logged. AUTH is only sent under TLS unless `PARLEY_SMTP_SMARTHOST_TLS=opportunistic`',
    ),
    PARLEY_SMTP_OUTBOUND_RETRY_WINDOW_MS: withDefault(
      intBetween(1000, 30 * 86_400_000),
      String(48 * 3_600_000),
      'how long a deferred recipient (a `4xx` reply, the smarthost unreachable) is retried before it fails and its sender gets a DSN (1000 ms – 30 days)',
    ),
    PARLEY_SMTP_OUTBOUND_RETRY_BASE_MS: withDefault(
      intBetween(10, 86_400_000),
      '60000',
      'wait before the second attempt; each further wait doubles (with ±25 % jitter) up to `PARLEY_SMTP_OUTBOUND_RETRY_MAX_MS`',
    ),
    PARLEY_SMTP_OUTBOUND_RETRY_MAX_MS: withDefault(intBetween(10, 86_400_000), '3600000', 'longest wait between two attempts of a message'),
    PARLEY_SMTP_OUTBOUND_POLL_MAX_MS: withDefault(
      intBetween(10, 600_000),
      '5000',
      'longest sleep of the outbound queue poller (a message queued on another replica is found by then; one queued here goes out at once)',
    ),
  };
}
