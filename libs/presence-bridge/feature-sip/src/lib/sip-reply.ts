import { createResponse, type SipRequest, type SipResponse, type SipResponseInit } from '@parley/presence-bridge/sip';
import { SIP_AGENT } from './sip-front.options';

/** A response to `request` as this front sends every one: with its Server header. */
export function sipReply(request: SipRequest, status: number, init: SipResponseInit = {}): SipResponse {
  return createResponse(request, status, { ...init, headers: [...(init.headers ?? []), ['Server', SIP_AGENT]] });
}

/** A `Warning: 399` header (RFC 3261 §20.43) with a text for people; quotes and backslashes in it are replaced. */
export function sipWarning(text: string): readonly [string, string] {
  return ['Warning', `399 ${SIP_AGENT} "${text.replace(/["\\]/g, "'")}"`];
}
