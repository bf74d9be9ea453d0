import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { NS, readSoapRequest } from '@parley/ews-gateway/soap';
import { text } from '@parley/xml';
import type { PushDestination } from './push-destination.policy';

/** Most bytes of a callback's answer read: a `SendNotificationResult` is a few hundred. */
export const MAX_PUSH_ANSWER_BYTES = 64 * 1024;

/** What a listener answers a `SendNotification` with (`SendNotificationResultType`). */
export type PushSubscriptionStatus = 'OK' | 'Unsubscribe';

/** A callback that did not end in a readable `SendNotificationResult`: counts as a failed attempt. */
export class PushCallbackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushCallbackError';
  }
}

/**
 * POSTs one SOAP `SendNotification` to a checked destination and reads the listener's status. The
 * connection goes to the address the policy checked (the URL's host still names the Host header
 * and, for https, the TLS server name and certificate check); no redirects are followed, the whole
 * exchange has `timeoutMs`, and at most `MAX_PUSH_ANSWER_BYTES` of the answer are read.
 */
export async function postSendNotification(
  destination: PushDestination,
  envelope: string,
  timeoutMs: number,
): Promise<PushSubscriptionStatus> {
  const answer = await post(destination, envelope, timeoutMs);
  if (answer.status < 200 || answer.status > 299) throw new PushCallbackError(`the listener answered HTTP ${answer.status}`);
  return readSendNotificationResult(answer.body);
}

/** `m:SendNotificationResult` → `m:SubscriptionStatus` (OK or Unsubscribe); anything else is an error. */
export function readSendNotificationResult(body: Buffer): PushSubscriptionStatus {
  let status: string | undefined;
  try {
    const reply = readSoapRequest(body, { maxBytes: MAX_PUSH_ANSWER_BYTES });
    if (reply.operation === 'SendNotificationResult')
      status = text(reply.body.children.find((c) => c.ns === NS.MESSAGES && c.local === 'SubscriptionStatus'))?.trim();
  } catch (error) {
    throw new PushCallbackError(`the listener's answer is not a SOAP envelope (${String(error).slice(0, 200)})`);
  }
  if (status === 'OK' || status === 'Unsubscribe') return status;
  throw new PushCallbackError('the listener did not answer with a SendNotificationResult carrying OK or Unsubscribe');
}

function post(destination: PushDestination, envelope: string, timeoutMs: number): Promise<{ status: number; body: Buffer }> {
  const { url, address, family } = destination;
  // Every lookup of this request answers the checked address: the name is never resolved a second time.
  const pinned = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
  const payload = Buffer.from(envelope, 'utf8');
  const options: RequestOptions = {
    method: 'POST',
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? undefined : Number(url.port),
    path: `${url.pathname}${url.search}`,
    // The SOAPAction of NotificationService.wsdl: listeners built from that WSDL (WCF) dispatch on it.
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      'content-length': payload.length,
      host: url.host,
      soapaction: `"${NS.MESSAGES}/SendNotification"`,
    },
    lookup: pinned,
    agent: false,
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      reject(error instanceof PushCallbackError ? error : new PushCallbackError(`the callback failed: ${error.message}`));
    };
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(options, (res: IncomingMessage) => {
      const tooLarge = () => fail(new PushCallbackError(`the listener's answer is larger than ${MAX_PUSH_ANSWER_BYTES} bytes`));
      if (Number(res.headers['content-length'] ?? 0) > MAX_PUSH_ANSWER_BYTES) return tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_PUSH_ANSWER_BYTES) tooLarge();
        else chunks.push(chunk);
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
      });
      res.on('error', fail);
      res.on('close', () => fail(new PushCallbackError('the listener closed the connection before its answer ended')));
    });
    const deadline = setTimeout(() => fail(new PushCallbackError(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', fail);
    req.end(payload);
  });
}
