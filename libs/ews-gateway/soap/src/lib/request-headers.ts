import { echo, EwsError, EwsErrorCode } from './ews-error';
import { type ExchangeVersion, isExchangeVersion } from './exchange-version';
import { NS } from './namespaces';
import { attr, children, type XmlElement } from '@parley/xml';

/** How `t:ExchangeImpersonation/t:ConnectingSID` names the mailbox to act as. */
export type ImpersonationKind = 'PrimarySmtpAddress' | 'SmtpAddress' | 'PrincipalName' | 'SID';

export interface Impersonation {
  readonly kind: ImpersonationKind;
  /** Trimmed; never empty. */
  readonly value: string;
}

export interface TimeZoneContext {
  /** Windows time-zone id (`Pacific Standard Time`), when the client names one. */
  readonly id: string | undefined;
  /** The whole `t:TimeZoneDefinition`, for clients that send periods and transitions instead. */
  readonly definition: XmlElement;
}

export interface EwsRequestHeaders {
  /**
   * Absent when the client sent no `RequestServerVersion`; Microsoft documents that as
   * targeting Exchange2007 (the attribute is required from Exchange 2010 on).
   */
  readonly requestServerVersion: ExchangeVersion | undefined;
  readonly impersonation: Impersonation | undefined;
  readonly timeZone: TimeZoneContext | undefined;
  /** e.g. `en-US`. */
  readonly mailboxCulture: string | undefined;
}

const IMPERSONATION_KINDS: readonly ImpersonationKind[] = ['PrimarySmtpAddress', 'SmtpAddress', 'PrincipalName', 'SID'];
// xs:language
const LANGUAGE = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

function invalidHeader(message: string): EwsError {
  return new EwsError(EwsErrorCode.InvalidHeader, message);
}

/** At most one occurrence of a header (each is `minOccurs=0` in the WSDL). */
function single(header: XmlElement | undefined, local: string): XmlElement | undefined {
  const found = children(header, NS.TYPES, local);
  if (found.length > 1) throw invalidHeader(`The '${local}' header appears more than once.`);
  return found[0];
}

/**
 * Reads the EWS SOAP headers. Headers this server does not know are ignored, as Exchange
 * does (some clients add WS-Addressing or their own headers).
 */
export function readRequestHeaders(header: XmlElement | undefined): EwsRequestHeaders {
  return {
    requestServerVersion: readServerVersion(single(header, 'RequestServerVersion')),
    impersonation: readImpersonation(single(header, 'ExchangeImpersonation')),
    timeZone: readTimeZone(single(header, 'TimeZoneContext')),
    mailboxCulture: readCulture(single(header, 'MailboxCulture')),
  };
}

function readServerVersion(el: XmlElement | undefined): ExchangeVersion | undefined {
  if (el === undefined) return undefined;
  const version = attr(el, 'Version');
  if (version === undefined) throw invalidHeader("The 'RequestServerVersion' header has no 'Version' attribute.");
  if (!isExchangeVersion(version)) {
    throw new EwsError(EwsErrorCode.InvalidServerVersion, `The specified server version '${echo(version, 32)}' is invalid.`);
  }
  return version;
}

function readImpersonation(el: XmlElement | undefined): Impersonation | undefined {
  if (el === undefined) return undefined;
  const sids = children(el, NS.TYPES, 'ConnectingSID');
  if (sids.length !== 1) {
    throw new EwsError(EwsErrorCode.InvalidImpersonationHeader, "'ExchangeImpersonation' must hold exactly one 'ConnectingSID'.");
  }
  const ids = sids[0].children.filter((c) => c.ns === NS.TYPES && (IMPERSONATION_KINDS as readonly string[]).includes(c.local));
  if (ids.length !== 1 || sids[0].children.length !== 1) {
    throw new EwsError(
      EwsErrorCode.InvalidImpersonationHeader,
      "'ConnectingSID' must hold exactly one of PrimarySmtpAddress, SmtpAddress, PrincipalName or SID.",
    );
  }
  const value = ids[0].text.trim();
  if (value === '') throw new EwsError(EwsErrorCode.InvalidImpersonationHeader, `'${ids[0].local}' is empty.`);
  return { kind: ids[0].local as ImpersonationKind, value };
}

function readTimeZone(el: XmlElement | undefined): TimeZoneContext | undefined {
  if (el === undefined) return undefined;
  const definitions = children(el, NS.TYPES, 'TimeZoneDefinition');
  if (definitions.length !== 1) throw invalidHeader("'TimeZoneContext' must hold exactly one 'TimeZoneDefinition'.");
  const id = attr(definitions[0], 'Id')?.trim();
  return { id: id === '' ? undefined : id, definition: definitions[0] };
}

function readCulture(el: XmlElement | undefined): string | undefined {
  if (el === undefined) return undefined;
  const culture = el.text.trim();
  if (!LANGUAGE.test(culture)) throw invalidHeader(`'${echo(culture, 32)}' is not a valid MailboxCulture.`);
  return culture;
}
