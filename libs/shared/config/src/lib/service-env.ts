import { windowsZoneIdOf } from '@parley/calendar-time';
import type { ServiceName } from '@parley/contracts';
import { parseTrustedProxies } from '@parley/sign-in';
import { z } from 'zod';
import { intBetween, portNumber, withDefault, withoutDefault } from './env-key';
import {
  AppProfile,
  authEnv,
  busEnv,
  databaseEnv,
  databaseUrlEnv,
  deadLetterEnv,
  httpEnv,
  loggingEnv,
  metricsEnv,
  shutdownEnv,
  smtpEnv,
} from './env-parts';

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

/** What every app reads: HTTP, its shutdown, metrics, logs, the bus, its database and the dead-letter policy. */
function sharedEnv(app: AppProfile) {
  return { ...httpEnv(app), ...shutdownEnv(app), ...metricsEnv(app), ...loggingEnv, ...busEnv(app), ...databaseEnv(app), ...deadLetterEnv };
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
    PARLEY_WEB_ROOT: withDefault(
      z.string().min(1),
      'dist/apps/parley-web',
      "directory of the web client's build (`index.html`, `assets/`), relative to the working directory; while it is missing `/` answers `503`",
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
    PARLEY_EWS_MAX_SUBSCRIPTIONS_PER_MAILBOX: withDefault(
      intBetween(1, 100_000),
      '50',
      'most EWS notification subscriptions of each kind (pull, push, streaming) one mailbox may hold; another Subscribe is refused with `ErrorExceededSubscriptionCount`',
    ),
    PARLEY_EWS_MAX_STREAMING_CONNECTIONS_PER_USER: withDefault(
      intBetween(1, 10_000),
      '10',
      'most open GetStreamingEvents connections of one signed-in user on one gateway replica; another is refused with `ErrorExceededConnectionCount`',
    ),
    PARLEY_EWS_MAX_SUBSCRIPTIONS_PER_CONNECTION: withDefault(
      intBetween(1, 10_000),
      '200',
      'most subscriptions one GetStreamingEvents connection may carry; more is refused as a whole with `ErrorInvalidRequest`',
    ),
    PARLEY_EWS_STREAMING_HEARTBEAT_MS: withDefault(
      intBetween(1000, 600_000),
      '45000',
      'how often an idle GetStreamingEvents connection gets a keep-alive (`ConnectionStatus` OK); clients drop a connection that stays silent past twice their own heartbeat',
    ),
    PARLEY_EWS_EVENT_RETENTION_HOURS: withDefault(
      intBetween(1, 24 * 365),
      '168',
      "how long the gateway keeps each mailbox's notification events; a watermark older than that is refused with `ErrorInvalidWatermark`",
    ),
    PARLEY_EWS_PUSH_ALLOWED: withoutDefault(
      pushAllowList(),
      '— (public addresses only)',
      'comma-separated CIDRs and host names that push notification callbacks may reach besides public unicast addresses; loopback, link-local (cloud metadata at 169.254.169.254), private and other special-purpose addresses are refused at Subscribe (`ErrorInvalidPushSubscriptionUrl`) and at every send unless listed here (`docs/operations.md`)',
    ),
    PARLEY_EWS_PUSH_TIMEOUT_MS: withDefault(
      intBetween(100, 120_000),
      '10000',
      "longest wait for a push callback's answer (connecting, sending and reading it); longer counts as a failed attempt",
    ),
    PARLEY_EWS_PUSH_MAX_RETRIES: withDefault(
      intBetween(0, 100),
      '5',
      'failed push callback attempts in a row that are tried again; one more failure ends the subscription (logged, `parley_ews_push_subscriptions_ended_total`)',
    ),
    PARLEY_EWS_PUSH_RETRY_BACKOFF_MS: withDefault(
      intBetween(10, 3_600_000),
      '5000',
      'wait before the first retry of a failed push callback; each further wait doubles (at most one hour)',
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

/** voicemail-ingest's mailbox message store: where blobs live, the quota, the orphan sweeper (docs/voicemail-ingest.md). */
function mailboxStoreEnv(app: AppProfile) {
  return {
    PARLEY_MAILBOX_BLOB_STORE: withDefault(
      z.enum(['filesystem', 'postgres']),
      app.embedded ? 'filesystem' : 'postgres',
      "where message MIME and attachment bytes are kept: `filesystem` (files under `PARLEY_MAILBOX_BLOB_DIR`; embedded mode and single hosts) or `postgres` (voicemail-ingest's schema; clusters, no shared volume needed). Changing it does not move existing blobs",
    ),
    PARLEY_MAILBOX_BLOB_DIR: withoutDefault(
      z.string().min(1).optional(),
      app.embedded ? '`<PARLEY_DATA_DIR>/mailbox-blobs`' : 'required with `PARLEY_MAILBOX_BLOB_STORE=filesystem`',
      'directory of the filesystem blob store (on a local disk that honours fsync; one host only)',
    ),
    PARLEY_MAILBOX_QUOTA_BYTES: withDefault(
      intBetween(0, Number.MAX_SAFE_INTEGER),
      String(2 * 1024 * 1024 * 1024),
      'most octets the messages of one mailbox may take (their MIME sizes); a delivery past it is refused as over quota (SMTP `552 5.2.2`); `0`: unlimited',
    ),
    PARLEY_MAILBOX_ORPHAN_GRACE_MS: withDefault(
      intBetween(60_000, 30 * 86_400_000),
      '3600000',
      'how long a blob no message names is kept before the sweeper removes it (deleted messages, failed deliveries); must exceed the longest delivery',
    ),
    PARLEY_MAILBOX_SWEEP_INTERVAL_MS: withDefault(
      intBetween(1_000, 86_400_000),
      '600000',
      'how often voicemail-ingest looks for orphan blobs to remove',
    ),
    PARLEY_OOF_KNOWN_SENDER_DAYS: withDefault(
      intBetween(1, 3650),
      '90',
      "for an OOF external audience of Known: an external sender counts as known when the mailbox sent mail to that address (Sent Items) within this many days; contact lists are presence-bridge's and not read",
    ),
  };
}

/** presence-bridge's own: the idle thresholds, its timers, replica leases, the limits of endpoints and IMs, and what one presence WebSocket may cost (docs/presence-protocol.md). */
const presenceBridgeEnv = {
  PARLEY_PRESENCE_IDLE_AFTER_MS: withDefault(
    intBetween(1_000, 86_400_000),
    '300000',
    "how long a connected client may go without keyboard or mouse activity before it counts as inactive (Available → Available, idle); Communicator's default is 5 minutes",
  ),
  PARLEY_PRESENCE_AWAY_AFTER_MS: withDefault(
    intBetween(2_000, 86_400_000),
    '900000',
    'how long without activity before a connected client counts as away (must exceed `PARLEY_PRESENCE_IDLE_AFTER_MS`)',
  ),
  PARLEY_PRESENCE_TIMER_POLL_MAX_MS: withDefault(
    intBetween(10, 60_000),
    '1000',
    "longest sleep of presence-bridge's re-evaluation poller (it wakes at the next due user, and earlier when a local change plans an earlier one; this bounds how late a row another replica planned is seen)",
  ),
  PARLEY_PRESENCE_TIMER_BATCH_SIZE: withDefault(
    intBetween(1, 10_000),
    '200',
    'most users whose presence time alone changes (an expiring state, a client turning idle, a meeting ending) presence-bridge re-evaluates per transaction',
  ),
  PARLEY_PRESENCE_LEASE_TTL_MS: withDefault(
    intBetween(3_000, 600_000),
    '30000',
    "how long a presence-bridge replica's lease lasts without renewal; once it has expired, another replica removes the clients that were connected to it (a killed replica's users go offline after about this long)",
  ),
  PARLEY_PRESENCE_LEASE_RENEW_MS: withDefault(
    intBetween(500, 300_000),
    '5000',
    'how often each presence-bridge replica renews its lease and looks for expired ones (at most a third of `PARLEY_PRESENCE_LEASE_TTL_MS`)',
  ),
  PARLEY_PRESENCE_MAX_ENDPOINTS_PER_USER: withDefault(
    intBetween(1, 1_000),
    '16',
    'most clients (WebSocket connections and SIP registrations) one user may have connected at once; one more is refused',
  ),
  PARLEY_PRESENCE_IM_MAX_CHARS: withDefault(
    intBetween(1, 65_536),
    '8192',
    'longest instant message, in Unicode characters; a longer one is refused',
  ),
  PARLEY_PRESENCE_IM_RECEIPT_TIMEOUT_MS: withDefault(
    intBetween(100, 120_000),
    '5000',
    "how long the sender's replica waits for the recipient's replica to confirm an instant message before it answers `failed: timeout`",
  ),
  PARLEY_PRESENCE_IM_MAX_PENDING: withDefault(
    intBetween(1, 1_000_000),
    '10000',
    'most instant messages one replica may have waiting for their receipt; past it a send is refused until receipts or timeouts free room',
  ),
  PARLEY_PRESENCE_IM_CONVERSATION_IDLE_MS: withDefault(
    intBetween(1_000, 86_400_000),
    '600000',
    "how long two users' IM conversation may go without a message before it ends (1000–86400000 ms, default 10 minutes); its transcript then goes to each participant's Conversation History folder, and IMs a participant missed to a missed-conversation notice in their Inbox",
  ),
  PARLEY_PRESENCE_WS_MAX_FRAME_BYTES: withDefault(
    intBetween(1024, 16 * 1024 * 1024),
    String(64 * 1024),
    'largest WebSocket message a presence client may send (bytes, 1024–16777216); a larger one closes the socket with `1009`',
  ),
  PARLEY_PRESENCE_WS_MESSAGES_PER_SECOND: withDefault(
    intBetween(1, 10_000),
    '20',
    'messages per second one presence WebSocket may send on average (a token bucket); past it a message is dropped with `rate-limited`, and a client that keeps sending is closed with `1008`',
  ),
  PARLEY_PRESENCE_WS_MESSAGE_BURST: withDefault(
    intBetween(1, 100_000),
    '40',
    'messages one presence WebSocket may send at once before the rate applies (the bucket size)',
  ),
  PARLEY_PRESENCE_WS_MAX_SUBSCRIPTIONS: withDefault(
    intBetween(0, 100_000),
    '1000',
    'users one presence WebSocket may watch at a time (the user themself not counted); more is refused with `too-many-subscriptions`',
  ),
  PARLEY_PRESENCE_WS_MAX_CONNECTIONS_PER_USER: withDefault(
    intBetween(1, 10_000),
    '10',
    'presence WebSockets one user may have open on one replica; a further one is closed at once with `1008` (its sign-in is not counted as a failure)',
  ),
  PARLEY_PRESENCE_WS_MAX_SEND_BUFFER_BYTES: withDefault(
    intBetween(1024, 256 * 1024 * 1024),
    String(1024 * 1024),
    'bytes waiting to be sent to one presence WebSocket (a client that does not read); past it the socket is closed with `1013` and its updates are no longer kept',
  ),
  PARLEY_PRESENCE_WS_PING_INTERVAL_MS: withDefault(
    intBetween(1000, 600_000),
    '30000',
    'how often the presence WebSocket server pings every socket; one that has not answered the previous ping is dropped',
  ),
};

/** presence-bridge's Graph-compatible REST API (`/api/v1.0`, docs/graph-api.md): the work one request may cause. */
const graphApiEnv = {
  PARLEY_GRAPH_MAX_BATCH_IDS: withDefault(
    intBetween(1, 1000),
    '650',
    "most ids in one Graph `getPresencesByUserId` (Graph's documented maximum is 650; at most 1000, what the presence core reads at once); more is refused with `400 BadRequest`",
  ),
  PARLEY_GRAPH_MAX_BODY_BYTES: withDefault(
    intBetween(1024, 16 * 1024 * 1024),
    String(256 * 1024),
    'largest request body of the Graph API (bytes); more is refused with `413` before it is parsed (650 ids of the longest addresses fit in 256 KiB)',
  ),
  PARLEY_GRAPH_PREFERRED_PRESENCE_MAX_DAYS: withDefault(
    intBetween(1, 3650),
    '30',
    "longest `expirationDuration` of a Graph `setUserPreferredPresence` (days); Graph documents defaults (a day for Busy and DoNotDisturb, a week otherwise) but no maximum, so this is Parley's own bound",
  ),
};

/**
 * The SIP digest realm (docs/sip.md, "Digest credentials"): presence-bridge challenges with it, and whatever sets
 * passwords (the embedded app, parley-admin) stores each password's HA1 for it, so all of them must agree.
 */
const sipRealmEnv = {
  PARLEY_SIP_REALM: withDefault(
    z.string().regex(/^[\x20\x21\x23-\x5b\x5d-\x7e]{1,128}$/, 'must be 1–128 printable ASCII characters without `"` or `\\`'),
    'parley',
    'SIP digest realm, one for every mail domain; presence-bridge, the embedded app and `parley-admin` must use the same; each password set stores its HA1 for this realm, so changing it means every user sets their password again (docs/sip.md)',
  ),
};

/**
 * presence-bridge's SIP front (docs/sip.md, "Transports, transactions and registration"): SIP over TCP and TLS, and its limits.
 * SIP over WebSocket has no key of its own: it is always `/sip` on the HTTP port.
 */
function sipFrontEnv(app: AppProfile) {
  return {
    PARLEY_SIP_TCP_HOST: withDefault(
      z.string().min(1),
      app.embedded ? '127.0.0.1' : '0.0.0.0',
      'address the SIP over TCP listener binds to',
    ),
    PARLEY_SIP_TCP_PORT: withDefault(
      portNumber,
      '5060',
      'port of SIP over TCP; `0` turns it off (SIP over WebSocket stays on `/sip` of the HTTP port; docs/sip.md)',
    ),
    PARLEY_SIP_TLS_PORT: withDefault(
      portNumber,
      '5061',
      'port of SIP over TLS (`sips:`), bound on `PARLEY_SIP_TCP_HOST` only when `PARLEY_SIP_TLS_CERT` and `PARLEY_SIP_TLS_KEY` are set; `0` turns it off',
    ),
    PARLEY_SIP_TLS_CERT: withoutDefault(
      z.string().min(1).optional(),
      '— (SIP over TLS off)',
      'PEM certificate (chain) file of the SIP over TLS listener; set with `PARLEY_SIP_TLS_KEY`; both files are read again on `SIGHUP`. No self-signed fallback: without it SIP over TLS is off',
    ),
    PARLEY_SIP_TLS_KEY: withoutDefault(z.string().min(1).optional(), '—', 'PEM private key file that goes with `PARLEY_SIP_TLS_CERT`'),
    PARLEY_SIP_MAX_REQUESTS_PER_SECOND: withDefault(
      intBetween(1, 10_000),
      '20',
      'SIP requests one connection may send per second (bursts of 20 allowed); past it `503` with `Retry-After`',
    ),
    PARLEY_SIP_MAX_CONNECTIONS_PER_ADDRESS: withDefault(
      intBetween(1, 100_000),
      '100',
      'open SIP connections (TCP and WebSocket together) from one client address on one replica; more are refused',
    ),
    PARLEY_SIP_REGISTER_MIN_EXPIRES: withDefault(
      intBetween(1, 86_400),
      '60',
      'shortest REGISTER and SUBSCRIBE interval accepted (seconds); shorter is refused with `423 Interval Too Brief` and `Min-Expires`',
    ),
    PARLEY_SIP_REGISTER_MAX_EXPIRES: withDefault(
      intBetween(1, 604_800),
      '3600',
      'longest REGISTER and SUBSCRIBE interval granted (seconds); a longer request is shortened to this',
    ),
    PARLEY_SIP_MAX_REGISTRATIONS_PER_USER: withDefault(
      intBetween(1, 1000),
      '10',
      'SIP endpoints one user may have registered on one replica; one more is refused with `403`',
    ),
    PARLEY_SIP_MAX_SUBSCRIPTIONS_PER_USER: withDefault(
      intBetween(1, 10_000),
      '200',
      'SIP event subscriptions (presence and message-summary) one user may hold on one replica, over all their connections; one more is refused with `403` and a Warning',
    ),
  };
}

/** voicemail-ingest's HTTP voicemail drop (`POST /api/v1.0/voicemail`, docs/voicemail-http-drop.md): what one drop may hold and cost. */
const voicemailDropEnv = {
  PARLEY_VOICEMAIL_DROP_MAX_AUDIO_BYTES: withDefault(
    intBetween(1024, 1024 * 1024 * 1024),
    String(25 * 1024 * 1024),
    'largest audio file one HTTP voicemail drop may carry (bytes); a larger one is refused with `413` (declared by `Content-Length`: before the body is read). The audio is held in memory while the drop is stored',
  ),
  PARLEY_VOICEMAIL_DROP_MAX_METADATA_BYTES: withDefault(
    intBetween(256, 1024 * 1024),
    String(64 * 1024),
    'largest `metadata` JSON part of an HTTP voicemail drop (bytes, transcription included); more is refused with `413`',
  ),
  PARLEY_VOICEMAIL_DROP_MAX_PARTS: withDefault(
    intBetween(2, 100),
    '4',
    'most parts (files and fields) in one HTTP voicemail drop; it needs two (`audio`, `metadata`), more is refused with `413`',
  ),
  PARLEY_VOICEMAIL_DROP_MAX_RECIPIENTS: withDefault(
    intBetween(1, 1000),
    '20',
    'most mailboxes one HTTP voicemail drop may deliver to; more is refused with `400` (`too-many-recipients`)',
  ),
  PARLEY_VOICEMAIL_DROP_REQUESTS_PER_MINUTE: withDefault(
    intBetween(1, 1_000_000),
    '600',
    'drops one PBX API key may make per minute on one replica; past it `429` with `Retry-After`',
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
    'presence-bridge': { ...authEnv, ...presenceBridgeEnv, ...graphApiEnv, ...sipRealmEnv, ...sipFrontEnv(app) },
    'voicemail-ingest': { ...authEnv, ...voicemailDropEnv, ...mailboxStoreEnv(app), ...smtpEnv(app) },
    'calendar-sync': calendarSyncEnv,
  }[service];
}

export type SharedEnv = z.output<z.ZodObject<ReturnType<typeof sharedEnv>>>;
export type EwsGatewayEnv = z.output<z.ZodObject<ReturnType<typeof ewsGatewayEnv>>>;
export type AuthEnv = z.output<z.ZodObject<typeof authEnv>>;
export type CalendarSyncEnv = z.output<z.ZodObject<typeof calendarSyncEnv>>;
export type PresenceBridgeEnv = z.output<z.ZodObject<typeof presenceBridgeEnv>>;
export type GraphApiEnv = z.output<z.ZodObject<typeof graphApiEnv>>;
export type SipRealmEnv = z.output<z.ZodObject<typeof sipRealmEnv>>;
export type SipFrontEnv = z.output<z.ZodObject<ReturnType<typeof sipFrontEnv>>>;
export type SmtpEnv = z.output<z.ZodObject<ReturnType<typeof smtpEnv>>>;
export type VoicemailDropEnv = z.output<z.ZodObject<typeof voicemailDropEnv>>;
export type MailboxStoreEnv = z.output<z.ZodObject<ReturnType<typeof mailboxStoreEnv>>>;
/** A parsed app environment: the shared part, and the parts of whichever services the app runs. */
export type ParleyEnv = SharedEnv &
  Partial<EwsGatewayEnv> &
  Partial<AuthEnv> &
  Partial<CalendarSyncEnv> &
  Partial<PresenceBridgeEnv> &
  Partial<GraphApiEnv> &
  Partial<SipRealmEnv> &
  Partial<SipFrontEnv> &
  Partial<SmtpEnv> &
  Partial<VoicemailDropEnv> &
  Partial<MailboxStoreEnv>;

/** The services with a front that authenticates callers: an app running any of them reads `authEnv` and builds one `AuthModule`. */
export const authenticatingServices: readonly ServiceName[] = ['ews-gateway', 'presence-bridge', 'voicemail-ingest'];

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
  return z.object({
    ...sharedEnv(app),
    ...ewsGatewayEnv(app),
    ...authEnv,
    ...calendarSyncEnv,
    ...presenceBridgeEnv,
    ...graphApiEnv,
    ...sipRealmEnv,
    ...sipFrontEnv(app),
    ...smtpEnv(app),
    ...voicemailDropEnv,
    ...mailboxStoreEnv(app),
    ...embeddedOnlyEnv,
  });
}

/** The admin CLI's: an explicit database or the embedded one's files, and the token key for `token issue`. */
export const adminEnvSchema = z.object({
  ...databaseUrlEnv("the embedded app's PostgreSQL (found through `PARLEY_DATA_DIR`)"),
  ...embeddedDatabaseEnv,
  PARLEY_AUTH_TOKEN_KEY: authEnv.PARLEY_AUTH_TOKEN_KEY,
  PARLEY_EWS_TOKEN_KEY: authEnv.PARLEY_EWS_TOKEN_KEY,
  ...sipRealmEnv,
});

/** Every app's schema, for the generated docs and their checks: the embedded app, each service, the admin CLI. */
export function appEnvSchemas(): { app: 'parley' | ServiceName | 'parley-admin'; schema: z.ZodObject }[] {
  return [
    { app: 'parley', schema: embeddedEnvSchema() },
    ...serviceNames.map((service) => ({ app: service, schema: serviceEnvObject(service) })),
    { app: 'parley-admin', schema: adminEnvSchema },
  ];
}

/** Host names as URLs carry them (letters, digits, hyphens, dots), compared lower-cased. */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** `PARLEY_EWS_PUSH_ALLOWED`: comma-separated CIDRs or addresses (as `PARLEY_TRUSTED_PROXIES` takes them) and host names. */
function pushAllowList() {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      const cidrs: string[] = [];
      const hosts: string[] = [];
      for (const entry of (text ?? '').split(',').map((e) => e.trim().toLowerCase())) {
        if (entry === '') continue;
        if (HOST_NAME.test(entry) && !/^[\d.]+$/.test(entry)) {
          hosts.push(entry);
          continue;
        }
        try {
          cidrs.push(...parseTrustedProxies(entry));
        } catch (error) {
          ctx.addIssue({
            code: 'custom',
            message: `must be a comma-separated list of CIDRs, addresses or host names (${(error as Error).message})`,
          });
          return z.NEVER;
        }
      }
      return { cidrs, hosts };
    });
}
