import type { AutocannonResult } from 'autocannon';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { EwsTarget } from './ews-deployments';
import { format, formatTable, summarize, type LatencySummary } from './stats';

/**
 * Hostile requests sent while normal ones are measured: how long the gateway takes to refuse
 * each, and what they do to everyone else's latency (the issue: one element with a million
 * attributes parsed for 12–17 s and stalled the process; GetItem with 170,000 ids took 14 s).
 */
export const HOSTILE = ['AttributeFlood', 'ItemIdFlood', 'OversizedBatch'] as const;
export type Hostile = (typeof HOSTILE)[number];

/** Hostile requests in flight at once, each sender posting again as soon as it is answered. */
const SENDERS = 4;

const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  m: 'http://schemas.microsoft.com/exchange/services/2006/messages',
  t: 'http://schemas.microsoft.com/exchange/services/2006/types',
};
const envelope = (body: string) =>
  `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${NS.soap}" xmlns:m="${NS.m}" xmlns:t="${NS.t}"><soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;

/** Each hostile body and the EWS ResponseCode it must be refused with under the default limits. */
const BODIES: Record<Hostile, { describe: string; build: () => Buffer; code: string }> = {
  AttributeFlood: {
    describe: 'one element, 1,000,000 attributes',
    build: () =>
      Buffer.from(
        envelope(
          `<m:GetItem><m:ItemShape${Array.from({ length: 1_000_000 }, (_, i) => ` a${i.toString(36)}="1"`).join('')}><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds/></m:GetItem>`,
        ),
      ),
    code: 'ErrorSchemaValidation',
  },
  ItemIdFlood: {
    describe: 'GetItem, 170,000 ItemIds',
    build: () =>
      Buffer.from(
        envelope(
          `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds>${Array.from({ length: 170_000 }, (_, i) => `<t:ItemId Id="AAMkAD${String(i).padStart(34, '0')}"/>`).join('')}</m:ItemIds></m:GetItem>`,
        ),
      ),
    code: 'ErrorSchemaValidation',
  },
  OversizedBatch: {
    describe: 'CreateItem, 1,001 tasks (batch limit + 1)',
    build: () =>
      Buffer.from(
        envelope(
          `<m:CreateItem MessageDisposition="SaveOnly"><m:Items>${'<t:Task><t:Subject>bench</t:Subject></t:Task>'.repeat(1001)}</m:Items></m:CreateItem>`,
        ),
      ),
    code: 'ErrorInvalidRequest',
  },
};

export interface HostileRow {
  target: string;
  hostile: Hostile;
  bytes: number;
  /** Time to refuse each hostile request (sent, answered, body read). */
  refusals: LatencySummary;
  /** Hostile answers that were not the expected refusal. */
  unexpected: number;
  /** The normal load measured meanwhile. */
  normal: AutocannonResult;
}

function postRaw(target: EwsTarget, authorization: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${target.base}/EWS/Exchange.asmx`,
      { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', 'content-length': body.length, authorization } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * For each hostile kind: `normalLoad` runs (the caller's autocannon run of a normal operation)
 * while SENDERS loops post the hostile body back to back until it ends.
 */
export async function measureUnderAttack(
  target: EwsTarget,
  name: string,
  kinds: readonly Hostile[],
  authorization: string,
  normalLoad: () => Promise<AutocannonResult>,
  log: (line: string) => void,
): Promise<HostileRow[]> {
  const rows: HostileRow[] = [];
  for (const hostile of kinds) {
    const { build, code, describe } = BODIES[hostile];
    const body = build();
    log(`${name} under attack: ${describe} (${format.count(body.length)} bytes) × ${SENDERS} senders, beside the normal load`);
    const refusals: number[] = [];
    let unexpected = 0;
    let attacking = true;
    const sender = async () => {
      while (attacking) {
        const started = performance.now();
        const answer = await postRaw(target, authorization, body).catch(() => ({ status: 0, text: '' }));
        refusals.push(performance.now() - started);
        if (answer.status !== 500 || !answer.text.includes(`>${code}</`)) unexpected++;
      }
    };
    const senders = Array.from({ length: SENDERS }, sender);
    const normal = await normalLoad();
    attacking = false;
    await Promise.all(senders);
    rows.push({ target: name, hostile, bytes: body.length, refusals: summarize(refusals), unexpected, normal });
  }
  return rows;
}

export function hostileTable(rows: readonly HostileRow[]): string {
  return formatTable(
    ['target', 'hostile request', 'bytes', 'refused', 'refuse p50', 'p99', 'max ms', 'wrong', 'normal req/s', 'normal p99', 'max ms'],
    rows.map((r) => [
      r.target,
      BODIES[r.hostile].describe,
      format.count(r.bytes),
      format.count(r.refusals.count),
      format.ms(r.refusals.p50),
      format.ms(r.refusals.p99),
      format.ms(r.refusals.max),
      format.count(r.unexpected),
      format.count(r.normal['2xx'] / r.normal.duration),
      format.ms(r.normal.latency.p99),
      format.ms(r.normal.latency.max),
    ]),
    ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
}
