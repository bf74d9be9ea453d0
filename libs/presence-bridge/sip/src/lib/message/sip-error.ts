import type { SipMessage } from './sip-message';

/**
 * Why the codec refused some bytes. The front decides what to do from `status` (a SIP response it can send,
 * when the message was readable enough to answer) or closes the connection when there is none.
 */
export enum SipErrorCode {
  /** The start line is neither a request line nor a status line: nothing to answer, close the connection. */
  InvalidStartLine = 'InvalidStartLine',
  /** The header section is not a sequence of `name: value` lines ending with an empty line. */
  MalformedHeaders = 'MalformedHeaders',
  /** The header section is not valid UTF-8. */
  InvalidEncoding = 'InvalidEncoding',
  /** The Request-URI is not an absolute URI (or is a SIP URI that breaks its grammar). */
  InvalidRequestUri = 'InvalidRequestUri',
  /** The request is for a SIP version other than 2.0 (RFC 3261 §8.2.2: 505). */
  UnsupportedVersion = 'UnsupportedVersion',
  /** A header the request (or response) must carry is absent; `header` names it. */
  MissingHeader = 'MissingHeader',
  /** A header's value breaks its grammar, or a single-valued header is repeated; `header` names it. */
  InvalidHeader = 'InvalidHeader',
  /** The CSeq method differs from the request method (RFC 4475 §3.1.2.16). */
  CSeqMismatch = 'CSeqMismatch',
  /** On a stream transport, Content-Length is mandatory (RFC 3261 §18.3). */
  MissingContentLength = 'MissingContentLength',
  /** Content-Length promises more octets than the message carries. */
  TruncatedBody = 'TruncatedBody',
  /** The whole message exceeds the byte limit (RFC 3261 §21.5.14: 513). */
  MessageTooLarge = 'MessageTooLarge',
  /** More header lines than the limit. */
  TooManyHeaders = 'TooManyHeaders',
  /** One header line (after unfolding) longer than the limit. */
  HeaderLineTooLong = 'HeaderLineTooLong',
  /** The body exceeds its byte limit (RFC 3261 §21.4.11: 413). */
  BodyTooLarge = 'BodyTooLarge',
}

/** The response a UAS sends for each refusal, when it can answer at all (RFC 3261 §8.2, §21). */
const STATUS: Record<SipErrorCode, number | undefined> = {
  [SipErrorCode.InvalidStartLine]: undefined,
  [SipErrorCode.MalformedHeaders]: undefined,
  [SipErrorCode.InvalidEncoding]: 400,
  [SipErrorCode.InvalidRequestUri]: 400,
  [SipErrorCode.UnsupportedVersion]: 505,
  [SipErrorCode.MissingHeader]: 400,
  [SipErrorCode.InvalidHeader]: 400,
  [SipErrorCode.CSeqMismatch]: 400,
  [SipErrorCode.MissingContentLength]: 400,
  [SipErrorCode.TruncatedBody]: 400,
  [SipErrorCode.MessageTooLarge]: 513,
  [SipErrorCode.TooManyHeaders]: 513,
  [SipErrorCode.HeaderLineTooLong]: 513,
  [SipErrorCode.BodyTooLarge]: 413,
};

export class SipParseError extends Error {
  /** The suggested response status, or undefined when the only safe answer is to close the connection. */
  readonly status: number | undefined;
  /**
   * The message as far as it could be read, when its headers were readable: what the front copies Via, From,
   * To, Call-ID and CSeq from to answer `status` (RFC 3261 §8.2.6). Absent when the only answer is to close.
   */
  parsed?: SipMessage;

  constructor(
    readonly code: SipErrorCode,
    message: string,
    /** The header at fault (canonical name), for MissingHeader / InvalidHeader: goes into the 400's Warning. */
    readonly header?: string,
  ) {
    super(message);
    this.name = 'SipParseError';
    this.status = STATUS[code];
  }
}

/** Quotes untrusted input in an error message: bounded and free of control characters. */
export function echo(value: string, max = 40): string {
  let out = '';
  for (let i = 0; i < value.length && out.length < max; i++) {
    const c = value.charCodeAt(i);
    out += c < 0x20 || c === 0x7f ? '?' : value[i];
  }
  return value.length > max ? `${out}…` : out;
}
