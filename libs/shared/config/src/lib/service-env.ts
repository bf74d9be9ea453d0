import { windowsZoneIdOf } from '@parley/calendar-time';
import type { ServiceName } from '@parley/contracts';
import { z } from 'zod';
import { intBetween, withDefault, withoutDefault } from './env-key';
import { AppProfile, authEnv, busEnv, databaseEnv, databaseUrlEnv, deadLetterEnv, httpEnv, loggingEnv, metricsEnv } from './env-parts';

/** The services (the names contracts route topics between), in the order the docs list them. */
export const serviceNames: readonly ServiceName[] = ['ews-gateway', 'presence-bridge', 'voicemail-ingest', 'calendar-sync'];
export type { ServiceName };

/** HTTP port of each service running as its own process; its metrics listener is 1000 above. */
const serviceHttpPorts: Record<ServiceName, number> = {
  'ews-gateway': 8081,
  'presence-bridge': 8082,
  'voicemail-ingest': 8083,
  'calendar-sync': 8084,
};

export const embeddedProfile: AppProfile = {
  httpPort: 8080,
  metrics: { host: '127.0.0.1', port: 9080 },
  bus: 'inprocess',
  migrate: true,
  embedded: true,
};

export function serviceProfile(service: ServiceName): AppProfile {
  const httpPort = serviceHttpPorts[service];
  return { httpPort, metrics: { host: '0.0.0.0', port: httpPort + 1000 }, bus: 'kafka', migrate: false, embedded: false };
}

/** What every app reads: HTTP, metrics, logs, the bus, its database and the dead-letter policy. */
function sharedEnv(app: AppProfile) {
  return { ...httpEnv(app), ...metricsEnv(app), ...loggingEnv, ...busEnv(app), ...databaseEnv(app), ...deadLetterEnv };
}

/** The gateway's own variables (besides sign-in, `authEnv`): its public address, id key and the work one request may cause. */
function ewsGatewayEnv(app: AppProfile) {
  // A new schema per key: the docs registry is keyed by schema instance.
  const atLeast32 = () => z.string().min(32, 'must be at least 32 characters').optional();
  return {
    PARLEY_PUBLIC_URL: withoutDefault(
      z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' }).optional(),
      '`http://<host>:<port>`',
      'base URL clients must use (behind a load balancer, its external `https://` address); Autodiscover hands out `<url>/EWS/Exchange.asmx`, and an `https://` URL is where the plain-HTTP Autodiscover redirect points (`docs/operations.md`)',
    ),
    PARLEY_ID_SECRET: withoutDefault(
      atLeast32(),
      app.embedded ? 'generated into `<PARLEY_DATA_DIR>/id-secret`' : 'required',
      'key (≥ 32 characters) that makes EWS folder ids and change keys unguessable and bound to their mailbox; the same on every replica and never changed, or ids clients stored stop resolving',
    ),
    PARLEY_EWS_FREE_BUSY_CACHE_MS: withDefault(
      intBetween(0, 3_600_000),
      '60000',
      'longest reuse of a free/busy answer (each is dropped when a calendar or working hours it covers change; this bounds directory changes); `0` turns the cache off',
    ),
    // The work one request may cause (libs/ews-gateway/soap/README.md, docs/operations.md).
    PARLEY_EWS_XML_MAX_DEPTH: withDefault(
      intBetween(1, 1000),
      '64',
      'deepest element nesting in a request body (1–1000); more is refused with `ErrorSchemaValidation` (EWS and Autodiscover alike, as every `PARLEY_EWS_XML_*` limit)',
    ),
    PARLEY_EWS_XML_MAX_ELEMENTS: withDefault(intBetween(1, 10_000_000), '20000', 'most elements in a request body'),
    PARLEY_EWS_XML_MAX_ATTRIBUTES_PER_ELEMENT: withDefault(
      intBetween(1, 100_000),
      '32',
      'most attributes on one element, `xmlns` declarations included',
    ),
    PARLEY_EWS_XML_MAX_ATTRIBUTES: withDefault(intBetween(1, 10_000_000), '20000', 'most attributes in a request body'),
    PARLEY_EWS_XML_MAX_ATTRIBUTE_LENGTH: withDefault(
      intBetween(1, 1024 * 1024 * 1024),
      String(16 * 1024),
      'longest attribute value, in characters as written',
    ),
    PARLEY_EWS_XML_MAX_TEXT_LENGTH: withDefault(
      intBetween(1, 1024 * 1024 * 1024),
      String(256 * 1024),
      "most characters of text directly in one element (its text and CDATA together, as written), e.g. an item's body",
    ),
    PARLEY_EWS_XML_MAX_TOTAL_TEXT_LENGTH: withDefault(
      intBetween(1, 1024 * 1024 * 1024),
      String(1024 * 1024),
      'most characters of text in a request body',
    ),
    PARLEY_EWS_MAX_BATCH_ITEMS: withDefault(
      intBetween(1, 100_000),
      '1000',
      'most ids or items in one GetItem, UpdateItem, DeleteItem, MoveItem, CopyItem, CreateItem, FindItem/FindFolder (parent folders), GetFolder or ConvertId; more is refused as a whole with `ErrorInvalidRequest` before any is served',
    ),
    PARLEY_EWS_MAX_AVAILABILITY_MAILBOXES: withDefault(
      intBetween(1, 10_000),
      '100',
      "most mailboxes in one GetUserAvailability (Exchange's cap); more is refused with `ErrorMailboxDataArrayTooBig`",
    ),
  };
}

const calendarSyncEnv = {
  PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE: withDefault(
    z.string().transform((zone, ctx) => {
      const id = windowsZoneIdOf(zone);
      if (id === null) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a Windows time zone id (W. Europe Standard Time) or an IANA zone (Europe/Berlin) Parley knows',
        });
        return z.NEVER;
      }
      return id;
    }),
    'UTC',
    "time zone (Windows id such as `W. Europe Standard Time`, or IANA such as `Europe/Berlin`) of the default working hours, Monday–Friday 08:00–17:00, that free/busy answers for mailboxes without their own (the admin CLI's `working-hours set`)",
  ),
  PARLEY_CALENDAR_TIMER_POLL_MAX_MS: withDefault(
    intBetween(10, 60_000),
    '1000',
    "longest sleep of calendar-sync's presence due-queue poller (it wakes at the next due transition and after each local write; this bounds how late a row another replica planned is seen)",
  ),
  PARLEY_CALENDAR_TIMER_BATCH_SIZE: withDefault(
    intBetween(1, 10_000),
    '200',
    'most due presence transitions (OOF windows, meeting starts and ends) calendar-sync fires per transaction',
  ),
};

/** Where the embedded app and the admin CLI find the embedded PostgreSQL. */
const embeddedDatabaseEnv = {
  PARLEY_DATA_DIR: withDefault(z.string().min(1), './data', 'where the embedded PostgreSQL keeps its data'),
  PARLEY_EMBEDDED_PG_PORT: withDefault(intBetween(1, 65535), '15432', 'port of the embedded PostgreSQL (127.0.0.1)'),
};

const embeddedOnlyEnv = {
  ...embeddedDatabaseEnv,
  PARLEY_DEMO_USERS: withDefault(
    z.enum(['true', 'false']).transform((v) => v === 'true'),
    'true',
    'create the demo users',
  ),
};

/** The variables of each service beyond the shared ones: what it reads, and nothing else. */
function ownEnvOf(service: ServiceName, app: AppProfile) {
  return {
    'ews-gateway': { ...ewsGatewayEnv(app), ...authEnv },
    'presence-bridge': authEnv,
    'voicemail-ingest': {},
    'calendar-sync': calendarSyncEnv,
  }[service];
}

export type SharedEnv = z.output<z.ZodObject<ReturnType<typeof sharedEnv>>>;
export type EwsGatewayEnv = z.output<z.ZodObject<ReturnType<typeof ewsGatewayEnv>>>;
export type AuthEnv = z.output<z.ZodObject<typeof authEnv>>;
export type CalendarSyncEnv = z.output<z.ZodObject<typeof calendarSyncEnv>>;
/** A parsed app environment: the shared part, and the parts of whichever services the app runs. */
export type ParleyEnv = SharedEnv & Partial<EwsGatewayEnv> & Partial<AuthEnv> & Partial<CalendarSyncEnv>;

/** The services with a front that authenticates callers: an app running any of them reads `authEnv` and builds one `AuthModule`. */
export const authenticatingServices: readonly ServiceName[] = ['ews-gateway', 'presence-bridge'];

/** The schema of a service running as its own process: the shared parts and its own. */
export function serviceEnvSchema(service: ServiceName): z.ZodType<ParleyEnv, Record<string, unknown>> {
  return serviceEnvObject(service);
}

function serviceEnvObject(service: ServiceName) {
  const app = serviceProfile(service);
  return z.object({ ...sharedEnv(app), ...ownEnvOf(service, app) });
}

/** The embedded app's schema: every service's variables, and the embedded database's and demo users'. */
export function embeddedEnvSchema() {
  const app = embeddedProfile;
  return z.object({ ...sharedEnv(app), ...ewsGatewayEnv(app), ...authEnv, ...calendarSyncEnv, ...embeddedOnlyEnv });
}

/** The admin CLI's: an explicit database or the embedded one's files, and the token key for `token issue`. */
export const adminEnvSchema = z.object({
  ...databaseUrlEnv("the embedded app's PostgreSQL (found through `PARLEY_DATA_DIR`)"),
  ...embeddedDatabaseEnv,
  PARLEY_AUTH_TOKEN_KEY: authEnv.PARLEY_AUTH_TOKEN_KEY,
  PARLEY_EWS_TOKEN_KEY: authEnv.PARLEY_EWS_TOKEN_KEY,
});

/** Every app's schema, for the generated docs and their checks: the embedded app, each service, the admin CLI. */
export function appEnvSchemas(): { app: 'parley' | ServiceName | 'parley-admin'; schema: z.ZodObject }[] {
  return [
    { app: 'parley', schema: embeddedEnvSchema() },
    ...serviceNames.map((service) => ({ app: service, schema: serviceEnvObject(service) })),
    { app: 'parley-admin', schema: adminEnvSchema },
  ];
}
