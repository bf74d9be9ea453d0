import { SipErrorCode, SipParseError } from './sip-error';
import { SipHeaders } from './sip-headers';
import { SipMessage } from './sip-message';

/** The headers a response must carry to be matched to its transaction (RFC 3261 §8.2.6.2, §17.1.3). */
export const MANDATORY_RESPONSE_HEADERS = ['Via', 'To', 'From', 'Call-ID', 'CSeq'] as const;

export class SipResponse extends SipMessage {
  readonly kind = 'response' as const;

  constructor(
    readonly status: number,
    readonly reason: string,
    headers: SipHeaders,
    body: Buffer,
  ) {
    super(headers, body);
  }

  validate(): void {
    for (const name of MANDATORY_RESPONSE_HEADERS) {
      if (!this.headers.has(name)) throw new SipParseError(SipErrorCode.MissingHeader, `The response has no ${name} header.`, name);
    }
    this.vias();
    this.to();
    this.from();
    this.callId();
    this.cseq();
  }
}
