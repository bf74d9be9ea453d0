import { child, children, el, qualifiedName, withNamespaces, type XmlElement, type XmlNode } from '@parley/xml';
import { DEFAULT_SERVER_VERSION, NS } from '@parley/ews-gateway/soap';
import { AD } from './autodiscover-namespaces';

export interface GetUserSettingsRequest {
  mailboxes: string[];
  settings: string[];
}

/** `a:GetUserSettingsRequestMessage/a:Request`: the users and the settings asked for. */
export function readGetUserSettings(body: XmlElement): GetUserSettingsRequest {
  const request = child(body, AD.SOAP, 'Request');
  return {
    mailboxes: children(child(request, AD.SOAP, 'Users'), AD.SOAP, 'User').map((u) => (child(u, AD.SOAP, 'Mailbox')?.text ?? '').trim()),
    settings: children(child(request, AD.SOAP, 'RequestedSettings'), AD.SOAP, 'Setting').map((s) => s.text.trim()),
  };
}

export type UserAnswer = { mailbox: string; settings: ReadonlyMap<string, string> } | { mailbox: string; error: 'InvalidUser' };

// Written unprefixed, as Exchange does (its default namespace is the Autodiscover one): the EWS
// Managed API and its ports compare the attribute's raw text with "StringSetting".
const xsiType = qualifiedName(NS.XSI, 'type');

/** The SOAP Autodiscover envelope: WS-Addressing Action and the Autodiscover ServerVersionInfo in the header. */
export function autodiscoverEnvelope(action: string, body: XmlNode): XmlNode {
  const v = DEFAULT_SERVER_VERSION;
  const envelope = el(NS.SOAP, 'Envelope', {}, [
    el(NS.SOAP, 'Header', {}, [
      el(AD.WSA, 'Action', { [qualifiedName(NS.SOAP, 'mustUnderstand')]: '1' }, `${AD.SOAP}/Autodiscover/${action}`),
      el(AD.SOAP, 'ServerVersionInfo', {}, [
        el(AD.SOAP, 'MajorVersion', {}, v.majorVersion),
        el(AD.SOAP, 'MinorVersion', {}, v.minorVersion),
        el(AD.SOAP, 'MajorBuildNumber', {}, v.majorBuildNumber),
        el(AD.SOAP, 'MinorBuildNumber', {}, v.minorBuildNumber),
        el(AD.SOAP, 'Version', {}, 'Exchange2015'),
      ]),
    ]),
    el(NS.SOAP, 'Body', {}, body),
  ]);
  return withNamespaces(envelope, { s: NS.SOAP, a: AD.SOAP, wsa: AD.WSA, i: NS.XSI });
}

/** `GetUserSettingsResponseMessage`: per user an ErrorCode and the requested settings it knows. */
export function getUserSettingsResponse(requested: readonly string[], answers: readonly UserAnswer[]): XmlNode {
  return el(AD.SOAP, 'GetUserSettingsResponseMessage', {}, [
    el(AD.SOAP, 'Response', {}, [
      el(AD.SOAP, 'ErrorCode', {}, 'NoError'),
      el(AD.SOAP, 'ErrorMessage', {}, ''),
      el(
        AD.SOAP,
        'UserResponses',
        {},
        answers.map((answer) => userResponse(requested, answer)),
      ),
    ]),
  ]);
}

function userResponse(requested: readonly string[], answer: UserAnswer): XmlNode {
  if ('error' in answer) {
    return el(AD.SOAP, 'UserResponse', {}, [
      el(AD.SOAP, 'ErrorCode', {}, answer.error),
      el(AD.SOAP, 'ErrorMessage', {}, 'Invalid user.'),
      el(AD.SOAP, 'RedirectTarget', { [qualifiedName(NS.XSI, 'nil')]: 'true' }),
      el(AD.SOAP, 'UserSettingErrors'),
      el(AD.SOAP, 'UserSettings'),
    ]);
  }
  const known = requested.filter((name) => answer.settings.has(name));
  const unknown = requested.filter((name) => !answer.settings.has(name));
  return el(AD.SOAP, 'UserResponse', {}, [
    el(AD.SOAP, 'ErrorCode', {}, 'NoError'),
    el(AD.SOAP, 'ErrorMessage', {}, 'No error.'),
    el(AD.SOAP, 'RedirectTarget', { [qualifiedName(NS.XSI, 'nil')]: 'true' }),
    el(
      AD.SOAP,
      'UserSettingErrors',
      {},
      unknown.map((name) =>
        el(AD.SOAP, 'UserSettingError', {}, [
          el(AD.SOAP, 'ErrorCode', {}, 'SettingIsNotAvailable'),
          el(AD.SOAP, 'ErrorMessage', {}, `${name} is not available.`),
          el(AD.SOAP, 'SettingName', {}, name),
        ]),
      ),
    ),
    el(
      AD.SOAP,
      'UserSettings',
      {},
      known.map((name) =>
        el(AD.SOAP, 'UserSetting', { [xsiType]: 'StringSetting' }, [
          el(AD.SOAP, 'Name', {}, name),
          el(AD.SOAP, 'Value', {}, answer.settings.get(name) ?? ''),
        ]),
      ),
    ),
  ]);
}
