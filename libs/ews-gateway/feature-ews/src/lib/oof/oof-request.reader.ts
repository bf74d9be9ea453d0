import { externalAudiences, oofStates, type OofSettings } from '@parley/contracts';
import { child, childText, type XmlElement } from '@parley/xml';
import { EwsError, EwsErrorCode, formatXsDateTime, NS, parseXsDateTime, requireChild } from '@parley/ews-gateway/soap';

/** `t:Mailbox/t:Address` of an OOF request: the mailbox whose settings are read or written. */
export function readOofMailbox(request: XmlElement): string {
  const address = childText(requireChild(request, NS.TYPES, 'Mailbox'), NS.TYPES, 'Address')?.trim();
  if (!address) throw new EwsError(EwsErrorCode.InvalidValue, "Element 'Mailbox' must contain a non-empty 'Address' element.");
  return address;
}

/** What a SetUserOofSettings request changes; absent parts keep their current value. */
export interface OofChange {
  state: OofSettings['state'];
  externalAudience: OofSettings['externalAudience'] | undefined;
  window: { startTime: string; endTime: string } | undefined;
  internalReply: string | undefined;
  externalReply: string | undefined;
}

export function readOofChange(request: XmlElement): OofChange {
  const settings = requireChild(request, NS.TYPES, 'UserOofSettings');
  const state = oneOf(childText(settings, NS.TYPES, 'OofState'), oofStates, 'OofState');
  if (state === undefined) throw new EwsError(EwsErrorCode.InvalidValue, "Element 'UserOofSettings' must contain an 'OofState' element.");
  return {
    state,
    externalAudience: oneOf(childText(settings, NS.TYPES, 'ExternalAudience'), externalAudiences, 'ExternalAudience'),
    window: readWindow(child(settings, NS.TYPES, 'Duration')),
    internalReply: replyText(child(settings, NS.TYPES, 'InternalReply')),
    externalReply: replyText(child(settings, NS.TYPES, 'ExternalReply')),
  };
}

/** Applies a change to the stored settings, as Exchange does: the window is kept whatever the state. */
export function applyOofChange(current: OofSettings, change: OofChange): OofSettings {
  return {
    state: change.state,
    externalAudience: change.externalAudience ?? current.externalAudience,
    startTime: change.window?.startTime ?? current.startTime,
    endTime: change.window?.endTime ?? current.endTime,
    internalReply: change.internalReply ?? current.internalReply,
    externalReply: change.externalReply ?? current.externalReply,
  };
}

/** Whether applying the change needs the current settings at all. */
export function isCompleteChange(change: OofChange): boolean {
  return (
    change.externalAudience !== undefined &&
    change.window !== undefined &&
    change.internalReply !== undefined &&
    change.externalReply !== undefined
  );
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!(allowed as readonly string[]).includes(trimmed)) {
    throw new EwsError(EwsErrorCode.InvalidValue, `'${trimmed.slice(0, 32)}' is not a valid ${what}.`);
  }
  return trimmed as T;
}

/** Duration's times: with `Z` or an offset, or unzoned read as UTC (Exchange's own examples are unzoned). */
function readWindow(duration: XmlElement | undefined): OofChange['window'] {
  if (!duration) return undefined;
  const start = parseXsDateTime(requireChild(duration, NS.TYPES, 'StartTime').text.trim(), 'utc');
  const end = parseXsDateTime(requireChild(duration, NS.TYPES, 'EndTime').text.trim(), 'utc');
  if (start.getTime() >= end.getTime()) throw new EwsError(EwsErrorCode.InvalidRequest, 'The Duration must end after it starts.');
  return { startTime: formatXsDateTime(start), endTime: formatXsDateTime(end) };
}

function replyText(reply: XmlElement | undefined): string | undefined {
  if (!reply) return undefined;
  return childText(reply, NS.TYPES, 'Message') ?? '';
}
