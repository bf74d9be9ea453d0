import type { XmlErrorKind, XmlErrorLocation } from '@parley/xml';

/** Why a SIP body was refused; the front answers 400 with a Warning (413 for an oversized XML body). */
export enum SipBodyErrorCode {
  /** The XML front refused the document (size, encoding, DTD, limits, well-formedness): see `xmlKind`. */
  XmlRefused = 'XmlRefused',
  /** Well-formed XML whose root is not a PIDF `presence` element. */
  NotPidf = 'NotPidf',
  /** A PIDF document with a value its schema does not allow (basic status, date-time, missing id, …). */
  InvalidPidf = 'InvalidPidf',
  /** Not an RFC 3842 message-summary body. */
  InvalidMessageSummary = 'InvalidMessageSummary',
}

/** A refused body. `message` names only what the client sent (shortened), so it may go in a Warning header. */
export class SipBodyError extends Error {
  constructor(
    readonly code: SipBodyErrorCode,
    message: string,
    /** Set for `XmlRefused`: what the XML front refused. */
    readonly xmlKind?: XmlErrorKind,
    readonly location?: XmlErrorLocation,
  ) {
    super(message);
    this.name = 'SipBodyError';
  }
}

/** Shortens a client-supplied value before it is echoed in an error message. */
export function echo(value: string, max = 64): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}
