import { baseEnvSchema, ConfigError, parseEnv } from './env';
import { toRuntimeConfig } from './runtime-config';

const schema = baseEnvSchema({ httpPort: 8084, bus: 'kafka', migrate: false });

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('service environment', () => {
  it('applies defaults', () => {
    const env = parseEnv(schema, { KAFKA_BROKERS: '127.0.0.1:9092' });
    expect(env.PARLEY_HTTP_PORT).toBe(8084);
    expect(env.PARLEY_HTTP_HOST).toBe('127.0.0.1');
    expect(env.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(env.PARLEY_DB_MIGRATE).toBe(false);
  });

  it('names each bad variable', () => {
    const problems = problemsOf(() => parseEnv(schema, { PARLEY_HTTP_PORT: 'eighty', PARLEY_BUS: 'carrier-pigeon', DATABASE_URL: 'mysql://x' }));
    expect(problems.join('\n')).toMatch(/PARLEY_HTTP_PORT/);
    expect(problems.join('\n')).toMatch(/PARLEY_BUS/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL.*<redacted>/);
  });

  it('requires brokers for the kafka bus and a database URL where asked', () => {
    const env = parseEnv(schema, {});
    const problems = problemsOf(() => toRuntimeConfig('calendar-sync', '0.0.0', env, { requireDatabaseUrl: true }));
    expect(problems).toEqual([expect.stringMatching(/^KAFKA_BROKERS/), expect.stringMatching(/^DATABASE_URL/)]);
  });

  it('requires a long enough id secret for ews-gateway, falling back to the one the embedded mode keeps', () => {
    const env = parseEnv(schema, { KAFKA_BROKERS: 'k:9092', DATABASE_URL: 'postgres://x/y' });
    expect(problemsOf(() => toRuntimeConfig('ews-gateway', '0.0.0', env, { requireDatabaseUrl: true }))).toEqual([expect.stringMatching(/^PARLEY_ID_SECRET: required/)]);
    expect(toRuntimeConfig('calendar-sync', '0.0.0', env, { requireDatabaseUrl: true }).ews.idSecret).toBeUndefined();
    expect(toRuntimeConfig('ews-gateway', '0.0.0', env, { requireDatabaseUrl: true, idSecret: 'g'.repeat(43) }).ews.idSecret).toBe('g'.repeat(43));
    const configured = parseEnv(schema, { KAFKA_BROKERS: 'k:9092', PARLEY_ID_SECRET: 's'.repeat(32) });
    expect(toRuntimeConfig('ews-gateway', '0.0.0', configured, { requireDatabaseUrl: false, idSecret: 'g'.repeat(43) }).ews.idSecret).toBe('s'.repeat(32));
    expect(problemsOf(() => parseEnv(schema, { PARLEY_ID_SECRET: 'short' }))[0]).toMatch(/^PARLEY_ID_SECRET: must be at least 32 characters \(got "<redacted>"\)/);
  });

  it('takes the default working hours zone as a Windows id or an IANA zone, UTC unless set', () => {
    const zoneOf = (value?: string) => toRuntimeConfig('calendar-sync', '0.0.0', parseEnv(schema, { KAFKA_BROKERS: 'k:9092', PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE: value }), { requireDatabaseUrl: false }).calendar.defaultWorkingHoursTimeZone;
    expect(zoneOf()).toBe('UTC');
    expect(zoneOf('')).toBe('UTC');
    expect(zoneOf('Europe/Berlin')).toBe('W. Europe Standard Time');
    expect(zoneOf('pacific standard time')).toBe('Pacific Standard Time');
    expect(problemsOf(() => parseEnv(schema, { PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE: 'Mars/Olympus' }))[0]).toMatch(/^PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE: must be a Windows time zone id .*\(got "Mars\/Olympus"\)/);
  });

  it('maps the EWS work limits, and refuses a zero or a fraction naming the variable', () => {
    const ews = (env: NodeJS.ProcessEnv) => toRuntimeConfig('ews-gateway', '0.0.0', parseEnv(schema, { KAFKA_BROKERS: 'k:9092', ...env }), { requireDatabaseUrl: false, idSecret: 'g'.repeat(43) }).ews;
    expect(ews({})).toMatchObject({
      xmlLimits: { maxDepth: 64, maxElements: 20_000, maxAttributesPerElement: 32, maxAttributes: 20_000, maxAttributeLength: 16_384, maxTextLength: 262_144, maxTotalTextLength: 1_048_576 },
      maxBatchItems: 1000,
      maxAvailabilityMailboxes: 100,
    });
    const set = ews({ PARLEY_EWS_XML_MAX_ATTRIBUTES_PER_ELEMENT: '8', PARLEY_EWS_XML_MAX_TEXT_LENGTH: '4096', PARLEY_EWS_MAX_BATCH_ITEMS: '250', PARLEY_EWS_MAX_AVAILABILITY_MAILBOXES: '20' });
    expect([set.xmlLimits.maxAttributesPerElement, set.xmlLimits.maxTextLength, set.maxBatchItems, set.maxAvailabilityMailboxes]).toEqual([8, 4096, 250, 20]);
    const problems = problemsOf(() => parseEnv(schema, { PARLEY_EWS_XML_MAX_ATTRIBUTES: '0', PARLEY_EWS_XML_MAX_DEPTH: '1001', PARLEY_EWS_MAX_BATCH_ITEMS: '1.5' }));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['PARLEY_EWS_MAX_BATCH_ITEMS', 'PARLEY_EWS_XML_MAX_ATTRIBUTES', 'PARLEY_EWS_XML_MAX_DEPTH']);
  });

  it('rejects a malformed broker list', () => {
    expect(problemsOf(() => parseEnv(schema, { KAFKA_BROKERS: 'localhost' }))[0]).toMatch(/^KAFKA_BROKERS/);
  });
});
