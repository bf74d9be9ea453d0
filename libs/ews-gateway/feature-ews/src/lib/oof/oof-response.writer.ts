import type { OofView } from '@parley/contracts';
import { el, type XmlNode } from '@parley/xml';
import { formatXsDateTime, NS, responseMessage, type ResponseMessageSpec } from '@parley/ews-gateway/soap';

/**
 * `m:GetUserOofSettingsResponse`: `m:ResponseMessage`, then on success `t:OofSettings` (OofState,
 * ExternalAudience, Duration, InternalReply, ExternalReply — the schema's order) and
 * `m:AllowExternalOof`.
 */
export function getUserOofSettingsResponse(outcome: { view: OofView } | { error: ResponseMessageSpec }): XmlNode {
  if ('error' in outcome) return el(NS.MESSAGES, 'GetUserOofSettingsResponse', {}, responseMessage('ResponseMessage', outcome.error));
  const s = outcome.view.settings;
  return el(NS.MESSAGES, 'GetUserOofSettingsResponse', {}, [
    responseMessage('ResponseMessage'),
    el(NS.TYPES, 'OofSettings', {}, [
      el(NS.TYPES, 'OofState', {}, s.state),
      el(NS.TYPES, 'ExternalAudience', {}, s.externalAudience),
      s.startTime !== null &&
        s.endTime !== null &&
        el(NS.TYPES, 'Duration', {}, [
          el(NS.TYPES, 'StartTime', {}, formatXsDateTime(new Date(s.startTime))),
          el(NS.TYPES, 'EndTime', {}, formatXsDateTime(new Date(s.endTime))),
        ]),
      el(NS.TYPES, 'InternalReply', {}, el(NS.TYPES, 'Message', {}, s.internalReply)),
      el(NS.TYPES, 'ExternalReply', {}, el(NS.TYPES, 'Message', {}, s.externalReply)),
    ]),
    // Parley has no organisation-wide restriction on external OOF replies.
    el(NS.MESSAGES, 'AllowExternalOof', {}, 'All'),
  ]);
}

/** `m:SetUserOofSettingsResponse` → `m:ResponseMessage`. */
export function setUserOofSettingsResponse(spec: ResponseMessageSpec = {}): XmlNode {
  return el(NS.MESSAGES, 'SetUserOofSettingsResponse', {}, responseMessage('ResponseMessage', spec));
}
