import type { DirectoryUser } from '@parley/directory';
import { child, el, type XmlElement, type XmlNode } from '@parley/xml';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { AD } from './autodiscover-namespaces';
import { PoxAutodiscoverException, PoxErrorCode } from './pox-autodiscover.exception';
import { legacyDn } from './user-settings';

/**
 * `Autodiscover/Request/EMailAddress` of a POX request. Throws `InvalidRequest` for anything that
 * is not an Outlook request with an address, `SchemaNotAvailable` for a response schema other than
 * Outlook's 2006a (e.g. the ActiveSync one, which Parley does not serve).
 */
export function readPoxEmailAddress(root: XmlElement): string {
  if (root.ns !== AD.POX_REQUEST || root.local !== 'Autodiscover') {
    throw new PoxAutodiscoverException(PoxErrorCode.InvalidRequest, `Expected an Autodiscover request in ${AD.POX_REQUEST}.`);
  }
  const request = child(root, AD.POX_REQUEST, 'Request');
  const schema = child(request, AD.POX_REQUEST, 'AcceptableResponseSchema')?.text.trim();
  if (!schema) throw new PoxAutodiscoverException(PoxErrorCode.InvalidRequest, 'The request has no AcceptableResponseSchema.');
  if (schema !== AD.OUTLOOK_RESPONSE)
    throw new PoxAutodiscoverException(PoxErrorCode.SchemaNotAvailable, `Only ${AD.OUTLOOK_RESPONSE} is available.`);
  const address = child(request, AD.POX_REQUEST, 'EMailAddress')?.text.trim();
  if (!address) throw new PoxAutodiscoverException(PoxErrorCode.InvalidRequest, 'The request has no EMailAddress.');
  return address;
}

const R = AD.OUTLOOK_RESPONSE;

/** Outlook response schema 2006a: User, then Account with the EXCH (internal) and EXPR (external) protocols. */
export function poxSettingsResponse(user: DirectoryUser, publicUrl: string): XmlNode {
  const ews = `${publicUrl}/EWS/Exchange.asmx`;
  const url = new URL(publicUrl);
  const urls = [el(R, 'ASUrl', {}, ews), el(R, 'EwsUrl', {}, ews), el(R, 'OOFUrl', {}, ews)];
  return el(AD.POX_RESPONSE, 'Autodiscover', {}, [
    el(R, 'Response', {}, [
      el(R, 'User', {}, [
        el(R, 'DisplayName', {}, user.displayName),
        el(R, 'LegacyDN', {}, legacyDn(user)),
        el(R, 'AutoDiscoverSMTPAddress', {}, user.smtpAddress),
      ]),
      el(R, 'Account', {}, [
        el(R, 'AccountType', {}, 'email'),
        el(R, 'Action', {}, 'settings'),
        el(R, 'Protocol', {}, [
          el(R, 'Type', {}, 'EXCH'),
          el(R, 'Server', {}, url.hostname),
          el(R, 'ServerVersion', {}, '73C18880'),
          ...urls,
        ]),
        el(R, 'Protocol', {}, [
          el(R, 'Type', {}, 'EXPR'),
          el(R, 'Server', {}, url.hostname),
          el(R, 'SSL', {}, url.protocol === 'https:' ? 'On' : 'Off'),
          el(R, 'AuthPackage', {}, 'Basic'),
          ...urls,
        ]),
      ]),
    ]),
  ]);
}

const ERROR_MESSAGES: Readonly<Record<PoxErrorCode, string>> = {
  [PoxErrorCode.EmailNotFound]: "The email address can't be found.",
  [PoxErrorCode.InvalidRequest]: 'Invalid Request',
  [PoxErrorCode.SchemaNotAvailable]: 'The requested schema is not available.',
  [PoxErrorCode.InternalError]: 'The server could not answer the request.',
};

// Exchange's Error Id is a number derived from the server's name (which replica answered).
const SERVER_ID = String(createHash('sha256').update(hostname()).digest().readUInt32BE(0));

/**
 * An Autodiscover error response (response schema 2006): `Error` with the time of day it was
 * written, the server's id, the code and its fixed message (details stay in the server's log).
 */
export function poxErrorResponse(code: PoxErrorCode, now: Date): XmlNode {
  const R = AD.POX_RESPONSE;
  return el(R, 'Autodiscover', {}, [
    el(R, 'Response', {}, [
      el(R, 'Error', { Time: now.toISOString().slice(11, 23), Id: SERVER_ID }, [
        el(R, 'ErrorCode', {}, code),
        el(R, 'Message', {}, ERROR_MESSAGES[code]),
        el(R, 'DebugData', {}, ''),
      ]),
    ]),
  ]);
}
