import { windowsZoneIdOf } from '@parley/calendar-time';
import { parseTrustedProxies } from '@parley/sign-in';
import { hostname } from 'node:os';
import { z } from 'zod';

/** Raised when the environment does not describe a runnable service; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

/**
 * The variables every service reads. Each app extends this with its own and picks defaults
 * (the embedded app defaults to the in-process bus and an embedded database).
 */
export function baseEnvSchema(defaults: {
  httpPort: number;
  bus: 'inprocess' | 'kafka';
  migrate: boolean;
  /** Where `/metrics` is served: loopback in the embedded app, the pod address for a service. */
  metrics: { host: string; port: number };
}) {
  return z.object({
    PARLEY_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
    PARLEY_HTTP_PORT: port.default(defaults.httpPort),
    PARLEY_HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
    PARLEY_HTTP_BODY_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
    PARLEY_HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(4096),
    PARLEY_METRICS_HOST: z.string().min(1).default(defaults.metrics.host),
    /** 0: no metrics listener. */
    PARLEY_METRICS_PORT: port.default(defaults.metrics.port),
    PARLEY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    PARLEY_BUS: z.enum(['inprocess', 'kafka']).default(defaults.bus),
    KAFKA_BROKERS: z
      .string()
      .optional()
      .transform((v) => (v ? v.split(',').map((b) => b.trim()).filter(Boolean) : []))
      .refine((list) => list.every((b) => /^[^\s:]+:\d+$/.test(b)), 'must be a comma-separated list of host:port'),
    KAFKA_CLIENT_ID: z.string().min(1).optional(),
    KAFKA_GROUP_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only')
      .default('parley'),
    KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
    KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(7).default(1),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    PARLEY_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    PARLEY_DB_MIGRATE: bool.prefault(defaults.migrate ? 'true' : 'false'),
    PARLEY_OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
    PARLEY_OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1000),
    PARLEY_DLQ_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
    PARLEY_DLQ_BACKOFF_MS: z.coerce.number().int().min(1).max(5_000).default(100),
    /** At most 8 s: a Kafka partition waits meanwhile, and the consumer's session times out at 10 s. */
    PARLEY_DLQ_RETRY_BUDGET_MS: z.coerce.number().int().min(0).max(8_000).default(5_000),
    PARLEY_DLQ_REPLAY_POLL_MS: z.coerce.number().int().min(100).max(600_000).default(2_000),
    PARLEY_INSTANCE_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only')
      .default(`${hostname()}-${process.pid}`),
    PARLEY_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
    PARLEY_PUBLIC_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http(s):// URL' })
      .optional(),
    PARLEY_EWS_TOKEN_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    PARLEY_ID_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    PARLEY_EWS_AUTH_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
    PARLEY_SIGN_IN_FAILURE_WINDOW_MS: z.coerce.number().int().min(1000).max(86_400_000).default(300_000),
    PARLEY_SIGN_IN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(10),
    PARLEY_SIGN_IN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(100),
    PARLEY_SIGN_IN_ACCOUNT_DELAY_STEP_MS: z.coerce.number().int().min(0).max(60_000).default(250),
    PARLEY_SIGN_IN_ACCOUNT_MAX_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
    PARLEY_TRUSTED_PROXIES: z
      .string()
      .default('')
      .transform((text, ctx) => {
        try {
          return parseTrustedProxies(text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of addresses or CIDRs (${(error as Error).message})` });
          return z.NEVER;
        }
      }),
    // Replaced by the PARLEY_SIGN_IN_* keys (one throttling for every protocol); refused rather than silently ignored.
    PARLEY_EWS_AUTH_FAILURE_WINDOW_MS: z.never({ error: 'renamed to PARLEY_SIGN_IN_FAILURE_WINDOW_MS' }).optional(),
    PARLEY_EWS_AUTH_MAX_FAILURES_PER_ACCOUNT: z.never({ error: 'replaced by PARLEY_SIGN_IN_MAX_FAILURES_PER_ACCOUNT_ADDRESS (an account alone is never refused, see PARLEY_SIGN_IN_ACCOUNT_MAX_DELAY_MS)' }).optional(),
    PARLEY_EWS_AUTH_MAX_FAILURES_PER_ADDRESS: z.never({ error: 'renamed to PARLEY_SIGN_IN_MAX_FAILURES_PER_ADDRESS' }).optional(),
    PARLEY_EWS_FREE_BUSY_CACHE_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
    // ews-gateway: the work one request may cause (libs/ews-gateway/soap/README.md, docs/operations.md).
    PARLEY_EWS_XML_MAX_DEPTH: z.coerce.number().int().min(1).max(1000).default(64),
    PARLEY_EWS_XML_MAX_ELEMENTS: z.coerce.number().int().min(1).max(10_000_000).default(20_000),
    PARLEY_EWS_XML_MAX_ATTRIBUTES_PER_ELEMENT: z.coerce.number().int().min(1).max(100_000).default(32),
    PARLEY_EWS_XML_MAX_ATTRIBUTES: z.coerce.number().int().min(1).max(10_000_000).default(20_000),
    PARLEY_EWS_XML_MAX_ATTRIBUTE_LENGTH: z.coerce.number().int().min(1).max(1024 * 1024 * 1024).default(16 * 1024),
    PARLEY_EWS_XML_MAX_TEXT_LENGTH: z.coerce.number().int().min(1).max(1024 * 1024 * 1024).default(256 * 1024),
    PARLEY_EWS_XML_MAX_TOTAL_TEXT_LENGTH: z.coerce.number().int().min(1).max(1024 * 1024 * 1024).default(1024 * 1024),
    PARLEY_EWS_MAX_BATCH_ITEMS: z.coerce.number().int().min(1).max(100_000).default(1000),
    PARLEY_EWS_MAX_AVAILABILITY_MAILBOXES: z.coerce.number().int().min(1).max(10_000).default(100),
    /** calendar-sync: the zone of a mailbox's default working hours (Monday–Friday 08:00–17:00), as its Windows id. */
    PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE: z
      .string()
      .default('UTC')
      .transform((zone, ctx) => {
        const id = windowsZoneIdOf(zone);
        if (id === null) {
          ctx.addIssue({ code: 'custom', message: 'must be a Windows time zone id (W. Europe Standard Time) or an IANA zone (Europe/Berlin) Parley knows' });
          return z.NEVER;
        }
        return id;
      }),
  });
}

/** Parses `env` with `schema`; throws ConfigError naming each offending variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  // An empty variable means "not set" (what `FOO= cmd` and empty compose entries produce).
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const value = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
    return `${name}: ${issue.message}${value === undefined ? '' : ` (got "${redactIfSecret(name, value)}")`}`;
  });
  throw new ConfigError(problems);
}

function redactIfSecret(name: string, value: string): string {
  return /PASSWORD|SECRET|KEY|TOKEN|DATABASE_URL/i.test(name) ? '<redacted>' : value;
}
