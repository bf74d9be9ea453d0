import type { DirectoryUser } from '@parley/directory';
import { child, el, type XmlElement, type XmlNode } from '@parley/ews-gateway/soap';
import { AD } from './autodiscover-namespaces';
import { legacyDn } from './user-settings';

/** `Autodiscover/Request/EMailAddress` of a POX request (undefined when absent). */
export function readPoxEmailAddress(root: XmlElement): string | undefined {
  if (root.ns !== AD.POX_REQUEST || root.local !== 'Autodiscover') return undefined;
  return child(child(root, AD.POX_REQUEST, 'Request'), AD.POX_REQUEST, 'EMailAddress')?.text.trim() || undefined;
}

const R = AD.OUTLOOK_RESPONSE;

/** Outlook response schema 2006a: User, then Account with the EXCH (internal) and EXPR (external) protocols. */
export function poxSettingsResponse(user: DirectoryUser, publicUrl: string): XmlNode {
  const ews = `${publicUrl}/EWS/Exchange.asmx`;
  const url = new URL(publicUrl);
  const urls = [el(R, 'ASUrl', {}, ews), el(R, 'EwsUrl', {}, ews), el(R, 'OOFUrl', {}, ews)];
  return el(AD.POX_RESPONSE, 'Autodiscover', {}, [
    el(R, 'Response', {}, [
      el(R, 'User', {}, [el(R, 'DisplayName', {}, user.displayName), el(R, 'LegacyDN', {}, legacyDn(user)), el(R, 'AutoDiscoverSMTPAddress', {}, user.smtpAddress)]),
      el(R, 'Account', {}, [
        el(R, 'AccountType', {}, 'email'),
        el(R, 'Action', {}, 'settings'),
        el(R, 'Protocol', {}, [el(R, 'Type', {}, 'EXCH'), el(R, 'Server', {}, url.hostname), el(R, 'ServerVersion', {}, '73C18880'), ...urls]),
        el(R, 'Protocol', {}, [el(R, 'Type', {}, 'EXPR'), el(R, 'Server', {}, url.hostname), el(R, 'SSL', {}, url.protocol === 'https:' ? 'On' : 'Off'), el(R, 'AuthPackage', {}, 'Basic'), ...urls]),
      ]),
    ]),
  ]);
}

/** The error answer (code 500: the address is not a mailbox here). */
export function poxErrorResponse(now: Date): XmlNode {
  return el(AD.POX_RESPONSE, 'Autodiscover', {}, [
    el(AD.POX_RESPONSE, 'Response', {}, [
      el(AD.POX_RESPONSE, 'Error', { Time: now.toISOString().slice(11, 23), Id: '0' }, [
        el(AD.POX_RESPONSE, 'ErrorCode', {}, 500),
        el(AD.POX_RESPONSE, 'Message', {}, 'The email address can\'t be found.'),
        el(AD.POX_RESPONSE, 'DebugData', {}, ''),
      ]),
    ]),
  ]);
}
