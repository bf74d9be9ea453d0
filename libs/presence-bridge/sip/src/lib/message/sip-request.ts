import { parseUnsigned } from './header-grammar';
import { SipErrorCode, SipParseError } from './sip-error';
import { SipHeaders } from './sip-headers';
import { SipMessage } from './sip-message';
import { Uri } from './sip-uri';

/** The headers RFC 3261 §8.1.1 requires in every request, in the order they are checked. */
export const MANDATORY_REQUEST_HEADERS = ['Via', 'To', 'From', 'Call-ID', 'CSeq', 'Max-Forwards'] as const;

export class SipRequest extends SipMessage {
  readonly kind = 'request' as const;

  constructor(
    /** As sent: methods are case-sensitive (RFC 3261 §7.1). */
    readonly method: string,
    /** The Request-URI, parsed; `requestUriText` keeps its exact spelling. */
    readonly uri: Uri,
    readonly requestUriText: string,
    headers: SipHeaders,
    body: Buffer,
  ) {
    super(headers, body);
  }

  maxForwards(): number | undefined {
    return this.view('Max-Forwards', () =>
      this.headers.has('Max-Forwards') ? parseUnsigned(this.single('Max-Forwards'), 255) : undefined,
    );
  }

  /** Mandatory headers present and well-formed, single-valued ones not repeated, CSeq's method = the method. */
  validate(): void {
    for (const name of MANDATORY_REQUEST_HEADERS) {
      if (!this.headers.has(name)) throw new SipParseError(SipErrorCode.MissingHeader, `The request has no ${name} header.`, name);
    }
    this.vias();
    this.to();
    this.from();
    this.callId();
    this.maxForwards();
    const cseq = this.cseq();
    if (cseq.method !== this.method) {
      throw new SipParseError(
        SipErrorCode.CSeqMismatch,
        `CSeq names ${cseq.method.slice(0, 32)}, the request is ${this.method.slice(0, 32)}.`,
        'CSeq',
      );
    }
  }
}
