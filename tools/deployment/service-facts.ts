// What the deployment files (Dockerfile, docker-compose.yml, k8s/) must agree with, read from the
// code and its configuration schemas, so a test can compare the two instead of repeating numbers.
import {
  ConfigError,
  envKeyUses,
  parleyVersion,
  parseEnv,
  serviceEnvSchema,
  serviceNames,
  serviceProfile,
  toRuntimeConfig,
  type RuntimeConfig,
  type ServiceName,
} from '@parley/config';
import { METRICS_PATH, PROBE_PATHS } from '@parley/observability';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export { serviceNames, type ServiceName };

/** Paths every service answers: liveness and readiness on its HTTP port, metrics on its metrics port. */
export const probePaths = { ...PROBE_PATHS, metrics: METRICS_PATH } as const;

/** The result of starting `service` with `env`: its runtime configuration, or what the service would refuse to start with. */
export type EnvCheck = { ok: true; config: RuntimeConfig } | { ok: false; problems: string[] };

/**
 * Parses `env` exactly as a service process does at start (runService): the schema of the service,
 * then the cross-field rules with a database URL required. A deployment's environment passes when
 * the service would start with it.
 */
export function checkServiceEnv(service: ServiceName, env: Record<string, string>): EnvCheck {
  try {
    const parsed = parseEnv(serviceEnvSchema(service), env);
    return { ok: true, config: toRuntimeConfig(service, parleyVersion, parsed, { services: [service], requireDatabaseUrl: true }) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, problems: error.problems };
    throw error;
  }
}

/** The variables `service` reads (its configuration schema's keys), to spot a deployment setting one no service reads. */
export function envKeysOf(service: ServiceName): string[] {
  const schema = serviceEnvSchema(service) as unknown as { shape?: Record<string, unknown> };
  if (!schema.shape) throw new Error(`${service}: the configuration schema is not an object schema`);
  return Object.keys(schema.shape);
}

/**
 * The TCP listeners clients reach directly rather than through the HTTP entry point: their names in `listeningPorts`
 * (also the port names in k8s/), the service, and the variable whose default for a service process is the port the
 * deployments publish (SMTP's standard ports; SIP's 5060, and 5061 for SIP over TLS).
 */
export const publicTcpListeners: readonly { name: string; service: ServiceName; key: string }[] = [
  { name: 'submission', service: 'voicemail-ingest', key: 'PARLEY_SMTP_SUBMISSION_PORT' },
  { name: 'smtps', service: 'voicemail-ingest', key: 'PARLEY_SMTP_IMPLICIT_TLS_PORT' },
  { name: 'relay', service: 'voicemail-ingest', key: 'PARLEY_SMTP_RELAY_PORT' },
  { name: 'sip', service: 'presence-bridge', key: 'PARLEY_SIP_TCP_PORT' },
  { name: 'sips', service: 'presence-bridge', key: 'PARLEY_SIP_TLS_PORT' },
];

/**
 * The ports a service listens on with `config`: HTTP, metrics, and the public TCP listeners that are on (voicemail-ingest's
 * SMTP, presence-bridge's SIP over TCP, and SIP over TLS when a certificate is configured).
 */
export function listeningPorts(config: RuntimeConfig): { name: string; port: number }[] {
  const ports = [
    { name: 'http', port: config.http.port },
    { name: 'metrics', port: config.metrics.port },
  ];
  if (config.smtp) {
    ports.push(
      { name: 'submission', port: config.smtp.submissionPort },
      { name: 'smtps', port: config.smtp.implicitTlsPort },
      { name: 'relay', port: config.smtp.relayPort },
    );
  }
  if (config.sip) ports.push({ name: 'sip', port: config.sip.tcpPort });
  // The front binds SIP over TLS only with certificate files (docs/sip.md).
  if (config.sip?.tls) ports.push({ name: 'sips', port: config.sip.tlsPort });
  return ports.filter((p) => p.port !== 0);
}

/** The HTTP and metrics ports a service defaults to when run as its own process. */
export function defaultPorts(service: ServiceName): { http: number; metrics: number } {
  const profile = serviceProfile(service);
  return { http: profile.httpPort, metrics: profile.metrics.port };
}

/** The default `service` applies to `key` as written in the environment, or undefined when it has none (or does not read the key). */
export function envDefaultOf(service: ServiceName, key: string): string | undefined {
  return envKeyUses([service])
    .find((use) => use.key === key)
    ?.byApp.get(service)?.default;
}

/** How long `service` may take to shut down after SIGTERM with `env` (PARLEY_SHUTDOWN_GRACE_MS); a container runtime must wait longer before it kills. */
export function shutdownGraceMs(service: ServiceName, env: Record<string, string>): number {
  const check = checkServiceEnv(service, env);
  if (!check.ok) throw new Error(`${service} would not start: ${check.problems.join('; ')}`);
  return check.config.shutdown.graceMs;
}

/** A path clients use on the public HTTP entry point, and the service that serves it. */
export interface PublicHttpRoute {
  path: string;
  service: ServiceName;
  /** A WebSocket upgrade rather than a plain request. */
  websocket?: boolean;
  /** The WebSocket subprotocol clients must offer (and the proxy must pass on). */
  subprotocol?: string;
}

const workspaceRoot = path.join(__dirname, '..', '..');

/**
 * `export const <name> = '<value>'` from a source file: the path constants live in feature libs whose
 * entry points load all of Nest, too much for a test that only needs the strings.
 */
function stringConstant(file: string, name: string): string {
  const text = readFileSync(path.join(workspaceRoot, file), 'utf8');
  const value = new RegExp(`export const ${name} = '([^']+)'`).exec(text)?.[1];
  if (value === undefined) throw new Error(`${file} no longer exports the string constant ${name}`);
  return value;
}

/** What one HTTP entry point in front of the services (a reverse proxy, an Ingress) must route where. */
export function publicHttpRoutes(): PublicHttpRoute[] {
  const ews = stringConstant('libs/ews-gateway/feature-ews/src/lib/ews.controller.ts', 'EWS_PATH');
  const graph = stringConstant('libs/shared/graph/src/lib/graph-routes.ts', 'GRAPH_API_ROOT');
  const presenceSocket = stringConstant(
    'libs/presence-bridge/feature-websocket/src/lib/presence-socket.options.ts',
    'PRESENCE_SOCKET_PATH',
  );
  const sipPath = stringConstant('libs/presence-bridge/feature-sip/src/lib/sip-front.options.ts', 'SIP_WEBSOCKET_PATH');
  const sipProtocol = stringConstant('libs/presence-bridge/feature-sip/src/lib/sip-front.options.ts', 'SIP_WEBSOCKET_PROTOCOL');
  const voicemailDrop = stringConstant('libs/voicemail-ingest/feature-http-drop/src/lib/voicemail-drop.options.ts', 'VOICEMAIL_DROP_PATH');
  const webSession = stringConstant('libs/ews-gateway/feature-web/src/lib/web-client.options.ts', 'WEB_SESSION_PATH');
  const webAssets = stringConstant('libs/ews-gateway/feature-web/src/lib/web-client.options.ts', 'WEB_ASSETS_PATH');
  return [
    { path: ews, service: 'ews-gateway' },
    // IIS paths are case-insensitive and clients rely on it; so do the services.
    { path: ews.toLowerCase(), service: 'ews-gateway' },
    // AutodiscoverController's routes (Exchange's fixed paths), POX and SOAP.
    { path: '/autodiscover/autodiscover.xml', service: 'ews-gateway' },
    { path: '/Autodiscover/Autodiscover.svc', service: 'ews-gateway' },
    { path: voicemailDrop, service: 'voicemail-ingest' },
    // The web client: its page, its hashed files and its sign-in (WebFeatureModule).
    { path: '/', service: 'ews-gateway' },
    { path: '/index.html', service: 'ews-gateway' },
    { path: `${webAssets}/app-3f9a1c.js`, service: 'ews-gateway' },
    { path: webSession, service: 'ews-gateway' },
    { path: `${graph}/me/presence`, service: 'presence-bridge' },
    { path: `${graph}/communications/getPresencesByUserId`, service: 'presence-bridge' },
    { path: `${graph}/users/alice@parley.test/presence`, service: 'presence-bridge' },
    { path: `${graph}/openapi.json`, service: 'presence-bridge' },
    // The mailbox part of the Graph API (GRAPH_ROUTES of @parley/graph, part 'mailbox') is the gateway's.
    { path: `${graph}/me/mailboxSettings`, service: 'ews-gateway' },
    { path: `${graph}/me/mailboxSettings/automaticRepliesSetting`, service: 'ews-gateway' },
    { path: `${graph}/users/alice@parley.test/mailboxSettings`, service: 'ews-gateway' },
    { path: `${graph}/users/alice@parley.test/mailboxSettings/automaticRepliesSetting`, service: 'ews-gateway' },
    { path: `${graph}/users`, service: 'ews-gateway' },
    { path: `${graph}/me/calendarView`, service: 'ews-gateway' },
    { path: `${graph}/users/alice@parley.test/calendar/calendarView`, service: 'ews-gateway' },
    { path: `${graph}/me/mailFolders/voicemail/messages`, service: 'ews-gateway' },
    { path: `${graph}/users/alice@parley.test/mailFolders/inbox/messages`, service: 'ews-gateway' },
    { path: `${graph}/me/messages/BAbc`, service: 'ews-gateway' },
    { path: `${graph}/users/alice@parley.test/messages/BAbc/attachments`, service: 'ews-gateway' },
    { path: `${graph}/me/messages/BAbc/attachments/BQxy/$value`, service: 'ews-gateway' },
    { path: presenceSocket, service: 'presence-bridge', websocket: true },
    { path: sipPath, service: 'presence-bridge', websocket: true, subprotocol: sipProtocol },
  ];
}
