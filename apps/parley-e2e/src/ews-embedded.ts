import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, RunningProcess, startProcess, waitForHttpOk } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import { XhrApi } from '@ewsjs/xhr';
import { appBundle } from './repo';

/** The built embedded app (`node dist/apps/parley/main.js`) on a fresh data directory and free ports. */
export async function startEmbeddedParley(extraEnv: NodeJS.ProcessEnv = {}): Promise<{ proc: RunningProcess; base: string }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-ews-'));
  // As root, PostgreSQL runs as the postgres user, which must be able to enter the directory.
  await chmod(dataDir, 0o755);
  const port = await freePort();
  const proc = startProcess('node', [appBundle('parley')], {
    PARLEY_DATA_DIR: dataDir,
    PARLEY_HTTP_PORT: String(port),
    PARLEY_EMBEDDED_PG_PORT: String(await freePort()),
    PARLEY_LOG_LEVEL: 'warn',
    DATABASE_URL: '',
    ...extraEnv,
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttpOk(`${base}/readyz`, proc, 120_000);
  return { proc, base };
}

/** ews-javascript-api over plain Node HTTP. */
export function useNodeXhr(): void {
  ews.ConfigurationApi.ConfigureXHR(new XhrApi({ rejectUnauthorized: false }));
}

export function ewsService(base: string, user: string, password: string, version = ews.ExchangeVersion.Exchange2013_SP1): ews.ExchangeService {
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
