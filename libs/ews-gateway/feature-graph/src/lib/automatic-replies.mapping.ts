import type { OofSettings } from '@parley/contracts';
import {
  type AutomaticRepliesSettingPatch,
  type AutomaticRepliesStatus,
  badRequest,
  dateTimeTimeZoneOf,
  type ExternalAudienceScope,
  type GraphAutomaticRepliesSetting,
} from '@parley/graph';

const statusOf: Record<OofSettings['state'], AutomaticRepliesStatus> = {
  Disabled: 'disabled',
  Enabled: 'alwaysEnabled',
  Scheduled: 'scheduled',
};
const stateOf: Record<AutomaticRepliesStatus, OofSettings['state']> = {
  disabled: 'Disabled',
  alwaysEnabled: 'Enabled',
  scheduled: 'Scheduled',
};
const scopeOf: Record<OofSettings['externalAudience'], ExternalAudienceScope> = {
  None: 'none',
  Known: 'contactsOnly',
  All: 'all',
};
const audienceOf: Record<ExternalAudienceScope, OofSettings['externalAudience']> = {
  none: 'None',
  contactsOnly: 'Known',
  all: 'All',
};

/** calendar-sync's OOF settings as Graph's automaticRepliesSetting, the times in `zone` (UTC unless the caller preferred another). */
export function toAutomaticRepliesSetting(settings: OofSettings, zone?: string): GraphAutomaticRepliesSetting {
  const at = (time: string | null) => (time === null ? null : dateTimeTimeZoneOf(Date.parse(time), zone));
  return {
    status: statusOf[settings.state],
    externalAudience: scopeOf[settings.externalAudience],
    scheduledStartDateTime: at(settings.startTime),
    scheduledEndDateTime: at(settings.endTime),
    internalReplyMessage: settings.internalReply,
    externalReplyMessage: settings.externalReply,
  };
}

/**
 * `patch` applied to the stored settings: absent properties keep their value, the window is kept
 * whatever the status (as EWS and Exchange keep it). Refused with 400, before anything is written,
 * when the result is scheduled without both times or its window does not end after it starts.
 */
export function applyAutomaticRepliesPatch(current: OofSettings, patch: AutomaticRepliesSettingPatch): OofSettings {
  const iso = (ms: number | undefined, kept: string | null) => (ms === undefined ? kept : new Date(ms).toISOString());
  const next: OofSettings = {
    state: patch.status === undefined ? current.state : stateOf[patch.status],
    externalAudience: patch.externalAudience === undefined ? current.externalAudience : audienceOf[patch.externalAudience],
    startTime: iso(patch.scheduledStartDateTime, current.startTime),
    endTime: iso(patch.scheduledEndDateTime, current.endTime),
    internalReply: patch.internalReplyMessage ?? current.internalReply,
    externalReply: patch.externalReplyMessage ?? current.externalReply,
  };
  if (next.state === 'Scheduled' && (next.startTime === null || next.endTime === null)) {
    throw badRequest("'automaticRepliesSetting.status': scheduled needs both scheduledStartDateTime and scheduledEndDateTime.");
  }
  if (next.startTime !== null && next.endTime !== null && Date.parse(next.startTime) >= Date.parse(next.endTime)) {
    throw badRequest("'automaticRepliesSetting.scheduledEndDateTime': must be after scheduledStartDateTime.");
  }
  return next;
}
