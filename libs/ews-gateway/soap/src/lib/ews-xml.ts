import {
  child,
  parseXml,
  writeXml,
  XmlError,
  XmlErrorKind,
  type XmlElement,
  type XmlNode,
  type XmlParseOptions,
  type XmlWriteOptions,
} from '@parley/xml';
import { EwsError, EwsErrorCode } from './ews-error';
import { PREFERRED_PREFIXES } from './namespaces';

/** The EWS reason for each refusal of the XML front. Exhaustive: a new kind fails to compile until mapped. */
export function ewsErrorCodeForXml(kind: XmlErrorKind): EwsErrorCode {
  switch (kind) {
    case XmlErrorKind.TooLarge:
      return EwsErrorCode.TooLarge;
    case XmlErrorKind.InvalidEncoding:
      return EwsErrorCode.InvalidEncoding;
    case XmlErrorKind.DtdForbidden:
      return EwsErrorCode.DtdForbidden;
    case XmlErrorKind.TooDeep:
      return EwsErrorCode.TooDeep;
    case XmlErrorKind.TooManyElements:
      return EwsErrorCode.TooManyElements;
    case XmlErrorKind.TooManyAttributes:
      return EwsErrorCode.TooManyAttributes;
    case XmlErrorKind.TooLong:
      return EwsErrorCode.TooLong;
    case XmlErrorKind.Malformed:
      return EwsErrorCode.MalformedXml;
    default:
      return assertNever(kind);
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped XmlErrorKind: ${String(value)}`);
}

/** The same refusal as an `EwsError`: message and location unchanged (the fault echoes both). */
export function ewsErrorFromXml(error: XmlError): EwsError {
  return new EwsError(ewsErrorCodeForXml(error.kind), error.message, { location: error.location });
}

/** `parseXml` of the XML front, every refusal an `EwsError` (schema validation, as Exchange answers). */
export function parseEwsXml(input: string | Uint8Array, options: XmlParseOptions = {}): XmlElement {
  try {
    return parseXml(input, options);
  } catch (e) {
    if (e instanceof XmlError) throw ewsErrorFromXml(e);
    throw e;
  }
}

/** `writeXml` with the prefixes Exchange itself emits (`s`/`m`/`t`/`e`). */
export function writeEwsXml(root: XmlNode, options: Omit<XmlWriteOptions, 'preferredPrefixes'> = {}): string {
  return writeXml(root, { ...options, preferredPrefixes: PREFERRED_PREFIXES });
}

/** Like `child`, but a missing element is the client's schema error. */
export function requireChild(parent: XmlElement, ns: string, local: string): XmlElement {
  const found = child(parent, ns, local);
  if (found === undefined) {
    throw new EwsError(EwsErrorCode.InvalidValue, `Element '${parent.local}' must contain a '${local}' element.`);
  }
  return found;
}
