import type { ServerResponse } from 'node:http';
import { VoicemailDropErrorCode, VoicemailDropException } from './voicemail-drop.exception';

/** Each refusal's status and title; exhaustive, so a new code cannot go out without them. */
export const problemOf: Record<VoicemailDropErrorCode, { status: number; title: string }> = {
  [VoicemailDropErrorCode.MissingCredentials]: { status: 401, title: 'No API key was given' },
  [VoicemailDropErrorCode.InvalidKey]: { status: 401, title: 'The API key is not valid' },
  [VoicemailDropErrorCode.RevokedKey]: { status: 403, title: 'The API key has been revoked' },
  [VoicemailDropErrorCode.Throttled]: { status: 429, title: 'Too many failed API keys from this address' },
  [VoicemailDropErrorCode.RateLimited]: { status: 429, title: 'Too many drops with this API key' },
  [VoicemailDropErrorCode.UnsupportedMediaType]: { status: 415, title: 'Unsupported media type' },
  [VoicemailDropErrorCode.MalformedRequest]: { status: 400, title: 'The request is not a valid voicemail drop' },
  [VoicemailDropErrorCode.InvalidMetadata]: { status: 400, title: 'The metadata is not valid' },
  [VoicemailDropErrorCode.TooManyRecipients]: { status: 400, title: 'Too many recipients' },
  [VoicemailDropErrorCode.PayloadTooLarge]: { status: 413, title: 'The drop is too large' },
  [VoicemailDropErrorCode.UnknownMailbox]: { status: 404, title: 'No such mailbox' },
  // 507 (RFC 4918): the request was fine, the mailbox has no room; retrying later may succeed.
  [VoicemailDropErrorCode.OverQuota]: { status: 507, title: 'The mailbox is full' },
  [VoicemailDropErrorCode.Unavailable]: { status: 503, title: 'The mailbox store is not available' },
};

/** The problem type URI of a code (RFC 9457 §3.1.1); documented in docs/voicemail-http-drop.md. */
export function problemType(code: VoicemailDropErrorCode): string {
  return `urn:parley:problem:voicemail-drop:${code}`;
}

/** An RFC 9457 problem JSON answer. `close`: the unread rest of the body is dropped with the connection. */
export function sendProblem(res: ServerResponse, error: VoicemailDropException, opts: { close?: boolean } = {}): void {
  if (res.headersSent) return void res.destroy();
  const { status, title } = problemOf[error.code];
  const body: Record<string, unknown> = { type: problemType(error.code), title, status, detail: error.message };
  if (error.extras.recipients?.length) body['recipients'] = error.extras.recipients;
  if (error.extras.errors?.length) body['errors'] = error.extras.errors;
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/problem+json');
  res.setHeader('Content-Length', bytes.length);
  res.setHeader('Cache-Control', 'no-store');
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="Parley voicemail drop"');
  if (error.extras.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.extras.retryAfterSeconds));
  if (opts.close) res.setHeader('Connection', 'close');
  res.end(bytes);
}
