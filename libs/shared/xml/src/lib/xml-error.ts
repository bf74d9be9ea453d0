/**
 * Why the XML front refused a document. Each protocol maps these onto its own error form (EWS
 * codes and faults, SIP 400/413), so the kinds say what went wrong, not how a front reports it.
 */
export enum XmlErrorKind {
  /** The document exceeds the byte limit. */
  TooLarge = 'TooLarge',
  /** Not UTF-8 (or declares another encoding). */
  InvalidEncoding = 'InvalidEncoding',
  /** A DOCTYPE/ENTITY (or any other `<!` markup declaration): refused before any expansion. */
  DtdForbidden = 'DtdForbidden',
  /** Element nesting deeper than the maximum. */
  TooDeep = 'TooDeep',
  /** More elements than the maximum. */
  TooManyElements = 'TooManyElements',
  /** More attributes on one element, or in the document, than the maxima. */
  TooManyAttributes = 'TooManyAttributes',
  /** An attribute value, an element's text or the document's text longer than the maxima. */
  TooLong = 'TooLong',
  /** Not well-formed XML, or not namespace-well-formed (unbound prefix, …). */
  Malformed = 'Malformed',
}

/** 1-based line and column in the decoded document text. */
export interface XmlErrorLocation {
  readonly line: number;
  readonly position: number;
}

/**
 * A refused document. `message` may reach the client (a SOAP fault, a SIP Warning), so it names
 * only what the client sent, shortened, never internals.
 */
export class XmlError extends Error {
  constructor(
    readonly kind: XmlErrorKind,
    message: string,
    readonly location?: XmlErrorLocation,
  ) {
    super(message);
    this.name = 'XmlError';
  }
}

/** Shortens a client-supplied value before it is echoed in an error message. */
export function echo(value: string, max = 64): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}
