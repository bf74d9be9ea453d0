import {
  contactExpires,
  contactQ,
  CSeq,
  GrammarError,
  NameAddr,
  parseCallId,
  parseCSeq,
  parseDeltaSeconds,
  parseMediaType,
  parseNameAddr,
  parseTokenWithParams,
  parseUnsigned,
  parseVia,
  SipParams,
  Via,
} from './header-grammar';
import { SipErrorCode, SipParseError } from './sip-error';
import { SipHeaders } from './sip-headers';

/**
 * What requests and responses share: ordered headers and a body, with typed views of the headers this stack
 * uses. The views parse on first access (and remember); a header that breaks its grammar throws a
 * {@link SipParseError} naming it, so the front can answer 400 with a Warning.
 */
export abstract class SipMessage {
  private readonly cache = new Map<string, unknown>();

  constructor(
    readonly headers: SipHeaders,
    readonly body: Buffer,
  ) {}

  abstract readonly kind: 'request' | 'response';

  /** Every Via element, topmost first. */
  vias(): readonly Via[] {
    return this.view('Via', () => {
      const values = this.headers.list('Via');
      if (values.length === 0) throw new SipParseError(SipErrorCode.MissingHeader, 'No Via header.', 'Via');
      return values.map((value) => {
        if (value.length === 0) throw new GrammarError('empty element');
        return parseVia(value);
      });
    });
  }

  topVia(): Via {
    return this.vias()[0];
  }

  from(): NameAddr {
    return this.view('From', () => parseNameAddr(this.single('From')));
  }

  to(): NameAddr {
    return this.view('To', () => parseNameAddr(this.single('To')));
  }

  callId(): string {
    return this.view('Call-ID', () => parseCallId(this.single('Call-ID')));
  }

  cseq(): CSeq {
    return this.view('CSeq', () => parseCSeq(this.single('CSeq')));
  }

  /** Content-Length as declared, or undefined when absent. */
  contentLength(): number | undefined {
    return this.view('Content-Length', () => this.optionalUnsigned('Content-Length', 0xffffffff));
  }

  expires(): number | undefined {
    return this.view('Expires', () => this.optionalDeltaSeconds('Expires'));
  }

  minExpires(): number | undefined {
    return this.view('Min-Expires', () => this.optionalDeltaSeconds('Min-Expires'));
  }

  /** The Contact elements, or `'*'` for the wildcard of an un-REGISTER (RFC 3261 §10.2.2). */
  contacts(): readonly NameAddr[] | '*' {
    return this.view('Contact', () => {
      const values = this.headers.list('Contact');
      if (values.length === 1 && values[0] === '*') return '*' as const;
      return values.map((value) => {
        const contact = parseNameAddr(value);
        // Checked here so that a registrar reading them later cannot meet a malformed value.
        contactExpires(contact);
        contactQ(contact);
        return contact;
      });
    });
  }

  /** Route, Record-Route, or any other header whose elements are name-addrs. */
  nameAddrs(name: 'Route' | 'Record-Route' | 'Path' | 'Service-Route'): readonly NameAddr[] {
    return this.view(name, () => this.headers.list(name).map((value) => parseNameAddr(value)));
  }

  contentType(): { type: string; subtype: string; params: SipParams } | undefined {
    return this.view('Content-Type', () => {
      const value = this.optionalSingle('Content-Type');
      return value === undefined ? undefined : parseMediaType(value);
    });
  }

  /** Event package and its parameters (RFC 6665 §8.2.1), e.g. `presence`, `message-summary`. */
  event(): { value: string; params: SipParams } | undefined {
    return this.view('Event', () => {
      const value = this.optionalSingle('Event');
      return value === undefined ? undefined : parseTokenWithParams(value);
    });
  }

  /** Checks the headers every message of this kind must carry; throws the first problem found. */
  abstract validate(): void;

  /**
   * Parses every header this codec has a grammar for: what a strict receiver (and the fuzzer) uses to
   * find any malformed value up front instead of on first access.
   */
  validateAll(): void {
    this.validate();
    this.contentLength();
    this.expires();
    this.minExpires();
    this.contacts();
    this.nameAddrs('Route');
    this.nameAddrs('Record-Route');
    this.contentType();
    this.event();
  }

  protected view<T>(header: string, parse: () => T): T {
    if (this.cache.has(header)) return this.cache.get(header) as T;
    let value: T;
    try {
      value = parse();
    } catch (error) {
      if (error instanceof GrammarError) {
        throw new SipParseError(SipErrorCode.InvalidHeader, `Invalid ${header} header: ${error.message}.`, header);
      }
      throw error;
    }
    this.cache.set(header, value);
    return value;
  }

  /** The value of a header that must appear exactly once. */
  protected single(name: string): string {
    const values = this.headers.getAll(name);
    if (values.length === 0) throw new SipParseError(SipErrorCode.MissingHeader, `No ${name} header.`, name);
    if (values.length > 1) throw new SipParseError(SipErrorCode.InvalidHeader, `The ${name} header appears ${values.length} times.`, name);
    return values[0];
  }

  private optionalSingle(name: string): string | undefined {
    return this.headers.has(name) ? this.single(name) : undefined;
  }

  private optionalUnsigned(name: string, max: number): number | undefined {
    const value = this.optionalSingle(name);
    return value === undefined ? undefined : parseUnsigned(value, max);
  }

  private optionalDeltaSeconds(name: string): number | undefined {
    const value = this.optionalSingle(name);
    if (value === undefined) return undefined;
    return parseDeltaSeconds(value);
  }
}
