import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ExitReaper, freePort, RunningProcess, startProcess, waitFor, waitForHttpOk } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import { XhrApi } from '@ewsjs/xhr';
import { appBundle } from './repo';

export interface EmbeddedParley {
  proc: RunningProcess;
  base: string;
  /** Its metrics listener's base URL (`PARLEY_METRICS_PORT`, on loopback). */
  metricsBase: string;
  /** Its SMTP listeners' ports on 127.0.0.1 (docs/smtp.md): free ones, so parallel runs never collide. */
  smtp: { submission: number; implicitTls: number; relay: number };
  /** Its data directory under the system temp dir; deleted by `stop()`. */
  dataDir: string;
  /** The embedded PostgreSQL's URL, for the admin CLI as an operator runs it next to the app. */
  databaseUrl(): string;
  /** Stops the app (its PostgreSQL with it) and starts it again on the same data directory and ports. */
  restart(): Promise<void>;
  /** SIGKILLs the app (its PostgreSQL is left running as an orphan) and starts it again on the same data directory and ports. */
  killAndRestart(): Promise<void>;
  /** Stops the app (SIGTERM; it stops its PostgreSQL), makes sure PostgreSQL is gone and deletes the data directory. */
  stop(): Promise<void>;
}

/**
 * The built embedded app (`node dist/apps/parley/main.js`) on a fresh data directory and free
 * ports. Nothing outlives the test process: an `ExitReaper` stops the app and its PostgreSQL and
 * deletes the directory if the run ends without `stop()` (Ctrl+C, a timeout, `--forceExit`, SIGKILL).
 */
export async function startEmbeddedParley(extraEnv: NodeJS.ProcessEnv = {}): Promise<EmbeddedParley> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-ews-'));
  const reaper = ExitReaper.start({ paths: [dataDir] });
  // As root, PostgreSQL runs as the postgres user, which must be able to enter the directory.
  await chmod(dataDir, 0o755);
  const port = await freePort();
  const pgPort = await freePort();
  const metricsPort = await freePort();
  const smtp = { submission: await freePort(), implicitTls: await freePort(), relay: await freePort() };
  const bundle = appBundle('parley');
  const base = `http://127.0.0.1:${port}`;
  const postmasterPid = path.join(dataDir, 'postgres', 'postmaster.pid');
  const launch = async () => {
    const proc = startProcess('node', [bundle], {
      PARLEY_DATA_DIR: dataDir,
      PARLEY_HTTP_PORT: String(port),
      PARLEY_METRICS_PORT: String(metricsPort),
      PARLEY_EMBEDDED_PG_PORT: String(pgPort),
      PARLEY_SMTP_SUBMISSION_PORT: String(smtp.submission),
      PARLEY_SMTP_IMPLICIT_TLS_PORT: String(smtp.implicitTls),
      PARLEY_SMTP_RELAY_PORT: String(smtp.relay),
      // SIP over TCP off: 5060 is not this run's to take (SIP over WebSocket stays on /sip).
      PARLEY_SIP_TCP_PORT: '0',
      PARLEY_LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      ...extraEnv,
    });
    // The app first, which stops its own PostgreSQL; then PostgreSQL itself (fast shutdown), should
    // the app have died without doing so. Its postmaster's command line names the data directory.
    reaper.add({
      processes: [
        { pid: proc.child.pid, cmdline: bundle },
        { pidFile: postmasterPid, cmdline: dataDir, signal: 'SIGINT' },
      ],
    });
    try {
      await waitForHttpOk(`${base}/readyz`, proc, 120_000);
    } catch (error) {
      await proc.stop();
      throw error;
    }
    return proc;
  };
  let stopping: Promise<void> | undefined;
  let proc: RunningProcess | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await proc?.stop();
      await reaper.reapNow();
    })());
  try {
    proc = await launch();
  } catch (error) {
    await stop();
    throw error;
  }
  const parley: EmbeddedParley = {
    proc,
    base,
    metricsBase: `http://127.0.0.1:${metricsPort}`,
    smtp,
    dataDir,
    databaseUrl: () => {
      const credentials = JSON.parse(readFileSync(path.join(dataDir, 'postgres.credentials.json'), 'utf8')) as {
        user: string;
        password: string;
      };
      return `postgres://${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@127.0.0.1:${pgPort}/parley`;
    },
    restart: async () => {
      await parley.proc.stop();
      await waitFor(() => !existsSync(postmasterPid), { timeoutMs: 30_000, what: 'the embedded PostgreSQL to stop' });
      proc = parley.proc = await launch();
    },
    killAndRestart: async () => {
      await parley.proc.kill();
      proc = parley.proc = await launch();
    },
    stop,
  };
  return parley;
}

/** Runs the built admin CLI against `databaseUrl`; resolves with its standard output. */
export async function runAdmin(databaseUrl: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [appBundle('parley-admin'), ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  return stdout;
}

/** ews-javascript-api over plain Node HTTP. */
export function useNodeXhr(): void {
  ews.ConfigurationApi.ConfigureXHR(new XhrApi({ rejectUnauthorized: false }));
}

export function ewsService(
  base: string,
  user: string,
  password: string,
  version = ews.ExchangeVersion.Exchange2013_SP1,
): ews.ExchangeService {
  const service = new ews.ExchangeService(version);
  service.Credentials = new ews.WebCredentials(user, password);
  service.Url = new ews.Uri(`${base}/EWS/Exchange.asmx`);
  return service;
}

export const NS_SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
export const NS_M = 'http://schemas.microsoft.com/exchange/services/2006/messages';
export const NS_T = 'http://schemas.microsoft.com/exchange/services/2006/types';

/** A SOAP request body around `operation` (already serialized XML). */
export function soapRequest(operation: string, header = '<t:RequestServerVersion Version="Exchange2013_SP1"/>'): string {
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${NS_SOAP}" xmlns:m="${NS_M}" xmlns:t="${NS_T}"><soap:Header>${header}</soap:Header><soap:Body>${operation}</soap:Body></soap:Envelope>`;
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
