import { embeddedEnvSchema, parleyVersion, parseEnv, type RuntimeConfig, ServiceDefinition, toRuntimeConfig } from '@parley/config';
import { demoUsers, DirectoryRepository, seedDemoUsers } from '@parley/directory';
import { startEmbeddedPostgres } from '@parley/persistence';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { closeOnSignals, startParleyApp } from './parley-app';
import { exitOnConfigError } from './run-service';

/**
 * The one-command mode: all four services in this process on the in-process bus, with a real
 * PostgreSQL started from ./data (unless DATABASE_URL points elsewhere) and demo users.
 */
export async function runEmbedded(services: readonly ServiceDefinition[]): Promise<void> {
  let env: z.infer<ReturnType<typeof embeddedEnvSchema>>;
  let config;
  try {
    env = parseEnv(embeddedEnvSchema());
    const idSecret = env.PARLEY_ID_SECRET ?? embeddedIdSecret(path.resolve(env.PARLEY_DATA_DIR));
    config = toRuntimeConfig('parley', parleyVersion, env, { services: services.map((s) => s.name), requireDatabaseUrl: false, idSecret });
  } catch (error) {
    exitOnConfigError(error);
  }
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const dataDir = path.resolve(env.PARLEY_DATA_DIR, 'postgres');
  const embedded = config.database.url ? undefined : await startEmbeddedPostgres({ dataDir, port: env.PARLEY_EMBEDDED_PG_PORT });
  const databaseUrl = config.database.url ?? (embedded?.url as string);
  try {
    const app = await startParleyApp({
      config,
      services,
      databaseUrl,
      migrate: config.database.migrate,
      beforeListen: async (nest) => {
        if (env.PARLEY_DEMO_USERS) await seedDemoUsers(nest.get(DirectoryRepository));
      },
    });
    closeOnSignals(app, config.shutdown, async () => embedded?.stop());
    printWelcome(config, env.PARLEY_DEMO_USERS, embedded ? dataDir : undefined, log);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

/**
 * The embedded mode's EWS id secret: generated on first start and kept in the data directory
 * (`id-secret`, mode 0600), so ids clients stored survive restarts. Lose it and every folder id
 * a client cached stops resolving (clients then re-bind by distinguished name).
 */
export function embeddedIdSecret(dataDir: string): string {
  const file = path.join(dataDir, 'id-secret');
  try {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 32) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  // 'wx': never overwrite a secret another start wrote meanwhile.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
}

function printWelcome(config: RuntimeConfig, demo: boolean, dataDir: string | undefined, log: (line: string) => void): void {
  const base = `http://${config.http.host}:${config.http.port}`;
  log('');
  log(`Parley ${parleyVersion} is running (embedded mode: all four services, in-process bus).`);
  log(`  Health     ${base}/healthz   ${base}/readyz`);
  if (config.metrics.port !== 0) log(`  Metrics    http://${config.metrics.host}:${config.metrics.port}/metrics`);
  if (config.ews) {
    const publicUrl = config.ews.publicUrl;
    log(`  EWS        ${publicUrl}/EWS/Exchange.asmx`);
    log(`  Autodisc.  ${publicUrl}/autodiscover/autodiscover.xml   ${publicUrl}/autodiscover/autodiscover.svc`);
  }
  if (config.presence) {
    log(`  Presence   ${base.replace(/^http/, 'ws')}/presence   (WebSocket, docs/presence-protocol.md)`);
    log(`  Graph API  ${base}/api/v1.0/users/{address}/presence   ${base}/api/v1.0/openapi.json`);
  }
  if (config.sip) {
    const { tcpHost, tcpPort, tlsPort, tls } = config.sip;
    const host = tcpHost.includes(':') ? `[${tcpHost}]` : tcpHost;
    const tcp = tcpPort === 0 ? '' : `   sip:${host}:${tcpPort};transport=tcp`;
    const secure = tls === undefined || tlsPort === 0 ? '' : `   sips:${host}:${tlsPort}`;
    log(`  SIP        ${base.replace(/^http/, 'ws')}/sip${tcp}${secure}   (docs/sip.md)`);
  }
  if (config.smtp) {
    const { host, submissionPort, implicitTlsPort, relayPort } = config.smtp;
    const listeners = [
      [submissionPort, 'submission, STARTTLS + AUTH'],
      [implicitTlsPort, 'TLS + AUTH'],
      [relayPort, 'trusted relay'],
    ] as const;
    const bound = listeners.filter(([port]) => port !== 0).map(([port, what]) => `${host}:${port} (${what})`);
    if (bound.length) log(`  SMTP       ${bound.join('   ')}   (docs/smtp.md)`);
  }
  if (config.voicemailDrop)
    log(`  Voicemail  POST ${base}/api/v1.0/voicemail   (a PBX key from parley-admin pbx-key issue; docs/voicemail-http-drop.md)`);
  if (dataDir) log(`  Data       ${dataDir} (PostgreSQL, started by Parley)`);
  if (demo) {
    log('  Demo users (user / password as first created; changes made with parley-admin are kept):');
    for (const u of demoUsers) log(`    ${u.smtpAddress.padEnd(20)} ${u.password}`);
  }
  log('Stop with Ctrl+C.');
}
