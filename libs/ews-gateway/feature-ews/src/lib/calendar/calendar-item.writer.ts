import type { Attendee, CalendarItemView, OccurrenceInfo, Recurrence } from '@parley/contracts';
import { el, type XmlNode } from '@parley/xml';
import { formatXsDateTime, NS } from '@parley/ews-gateway/soap';
import { timeZoneDefinition } from './time-zone-definition.writer';

/** What a writer needs besides the item. */
export interface CalendarWriteContext {
  /** `t:FolderId` of the mailbox's folder that holds the item (ParentFolderId): its Calendar or Deleted Items. */
  readonly parentFolder: (mailbox: string, folder: 'calendar' | 'deleteditems') => { id: string; changeKey: string };
  /** Exchange 2007 clients know no StartTimeZone/EndTimeZone. */
  readonly exchange2007: boolean;
}

type Writer = (v: CalendarItemView, ctx: CalendarWriteContext) => XmlNode | false | null | undefined;
const t = (local: string, attrs: Record<string, string> = {}, content?: Parameters<typeof el>[3]) => el(NS.TYPES, local, attrs, content);
const time = (iso: string) => formatXsDateTime(new Date(iso));

/**
 * Every property Parley answers, keyed by its FieldURI, in types.xsd's order (ItemType, then
 * CalendarItemType): the writer walks this list, so the order on the wire is the schema's
 * whatever order the shape names them in.
 */
const FIELDS: ReadonlyArray<readonly [string, Writer]> = [
  ['item:ItemId', (v) => t('ItemId', { Id: v.id, ChangeKey: v.changeKey })],
  [
    'item:ParentFolderId',
    (v, ctx) => {
      const folder = ctx.parentFolder(v.mailbox, v.folder ?? 'calendar');
      return t('ParentFolderId', { Id: folder.id, ChangeKey: folder.changeKey });
    },
  ],
  ['item:ItemClass', () => t('ItemClass', {}, 'IPM.Appointment')],
  ['item:Subject', (v) => t('Subject', {}, v.subject)],
  ['item:Sensitivity', (v) => t('Sensitivity', {}, v.sensitivity)],
  ['item:Body', (v) => v.body && t('Body', { BodyType: v.body.type }, v.body.content)],
  ['item:DateTimeReceived', (v) => t('DateTimeReceived', {}, time(v.createdAt))],
  ['item:Importance', () => t('Importance', {}, 'Normal')],
  ['item:IsDraft', () => t('IsDraft', {}, 'false')],
  ['item:DateTimeSent', (v) => t('DateTimeSent', {}, time(v.createdAt))],
  ['item:DateTimeCreated', (v) => t('DateTimeCreated', {}, time(v.createdAt))],
  ['item:HasAttachments', () => t('HasAttachments', {}, 'false')],
  ['item:LastModifiedTime', (v) => t('LastModifiedTime', {}, time(v.lastModifiedAt))],
  // Shared by a meeting and every attendee's copy of it (views from before UIDs have none).
  ['calendar:UID', (v) => (v.meetingUid ? t('UID', {}, v.meetingUid) : null)],
  ['calendar:Start', (v) => t('Start', {}, time(v.start))],
  ['calendar:End', (v) => t('End', {}, time(v.end))],
  ['calendar:OriginalStart', (v) => v.occurrence && t('OriginalStart', {}, time(v.occurrence.originalStart))],
  ['calendar:IsAllDayEvent', (v) => t('IsAllDayEvent', {}, String(v.isAllDay))],
  ['calendar:LegacyFreeBusyStatus', (v) => t('LegacyFreeBusyStatus', {}, v.legacyFreeBusyStatus)],
  ['calendar:Location', (v) => v.location !== null && t('Location', {}, v.location)],
  ['calendar:IsMeeting', (v) => t('IsMeeting', {}, String(isMeeting(v)))],
  ['calendar:IsCancelled', (v) => t('IsCancelled', {}, String(v.isCancelled ?? false))],
  ['calendar:IsRecurring', (v) => t('IsRecurring', {}, String(v.itemType !== 'Single'))],
  // No meeting request message exists (copies are placed directly on attendees' calendars; see docs).
  ['calendar:MeetingRequestWasSent', () => t('MeetingRequestWasSent', {}, 'false')],
  ['calendar:CalendarItemType', (v) => t('CalendarItemType', {}, v.itemType)],
  ['calendar:MyResponseType', (v) => t('MyResponseType', {}, myResponseType(v))],
  ['calendar:Organizer', (v) => t('Organizer', {}, mailbox(v.organizer))],
  ['calendar:RequiredAttendees', (v) => v.requiredAttendees.length > 0 && t('RequiredAttendees', {}, v.requiredAttendees.map(attendee))],
  ['calendar:OptionalAttendees', (v) => v.optionalAttendees.length > 0 && t('OptionalAttendees', {}, v.optionalAttendees.map(attendee))],
  ['calendar:Duration', (v) => t('Duration', {}, duration(Date.parse(v.end) - Date.parse(v.start)))],
  ['calendar:AppointmentSequenceNumber', (v) => t('AppointmentSequenceNumber', {}, v.revision - 1)],
  ['calendar:AppointmentState', (v) => t('AppointmentState', {}, appointmentState(v))],
  ['calendar:Recurrence', (v) => v.recurrence && recurrenceElement(v.recurrence)],
  // On series masters only; a view without a summary (published before it existed) leaves them out.
  ['calendar:FirstOccurrence', (v) => occurrenceInfo('FirstOccurrence', v, master(v)?.first)],
  ['calendar:LastOccurrence', (v) => occurrenceInfo('LastOccurrence', v, master(v)?.last)],
  [
    'calendar:ModifiedOccurrences',
    (v) => {
      const modified = master(v)?.modified ?? [];
      return (
        modified.length > 0 &&
        t(
          'ModifiedOccurrences',
          {},
          modified.map((o) => occurrenceInfo('Occurrence', v, o)),
        )
      );
    },
  ],
  [
    'calendar:DeletedOccurrences',
    (v) =>
      v.itemType === 'RecurringMaster' &&
      v.deletedOccurrences.length > 0 &&
      t(
        'DeletedOccurrences',
        {},
        v.deletedOccurrences.map((s) => t('DeletedOccurrence', {}, t('Start', {}, time(s)))),
      ),
  ],
  [
    'calendar:StartTimeZone',
    (v, ctx) => !ctx.exchange2007 && timeZoneDefinition('StartTimeZone', v.startTimeZone, new Date(v.start).getUTCFullYear()),
  ],
  [
    'calendar:EndTimeZone',
    (v, ctx) => !ctx.exchange2007 && timeZoneDefinition('EndTimeZone', v.endTimeZone, new Date(v.end).getUTCFullYear()),
  ],
];

export const CALENDAR_FIELD_URIS: ReadonlySet<string> = new Set(FIELDS.map(([uri]) => uri));

/** `ItemShape` BaseShape → the fields it stands for (AdditionalProperties add to it). */
export const BASE_SHAPES: Readonly<Record<'IdOnly' | 'Default' | 'AllProperties', ReadonlySet<string>>> = {
  IdOnly: new Set(['item:ItemId']),
  Default: new Set([
    'item:ItemId',
    'item:ParentFolderId',
    'item:ItemClass',
    'item:Subject',
    'item:Sensitivity',
    'item:HasAttachments',
    'calendar:Start',
    'calendar:End',
    'calendar:IsAllDayEvent',
    'calendar:LegacyFreeBusyStatus',
    'calendar:Location',
    'calendar:IsRecurring',
    'calendar:CalendarItemType',
    'calendar:MyResponseType',
    'calendar:Organizer',
  ]),
  AllProperties: CALENDAR_FIELD_URIS,
};

/** `t:CalendarItem` with the fields of `shape`, in schema order. */
export function calendarItemElement(view: CalendarItemView, shape: ReadonlySet<string>, ctx: CalendarWriteContext): XmlNode {
  return t(
    'CalendarItem',
    {},
    FIELDS.filter(([uri]) => shape.has(uri)).map(([, write]) => write(view, ctx)),
  );
}

/** The bare `t:CalendarItem` → `t:ItemId` that CreateItem and UpdateItem answer with. */
export function calendarItemIdElement(view: Pick<CalendarItemView, 'id' | 'changeKey'>): XmlNode {
  return t('CalendarItem', {}, t('ItemId', { Id: view.id, ChangeKey: view.changeKey }));
}

/** The occurrence summary of a series master; undefined on any other item. */
function master(v: CalendarItemView): CalendarItemView['occurrences'] {
  return v.itemType === 'RecurringMaster' ? v.occurrences : undefined;
}

/**
 * `t:OccurrenceInfoType` (ItemId, Start, End, OriginalStart). The ItemId is the occurrence's own
 * id, which GetItem resolves to that occurrence; its change key is the master's (as on every
 * occurrence view).
 */
function occurrenceInfo(local: string, v: CalendarItemView, o: OccurrenceInfo | null | undefined): XmlNode | null {
  if (!o) return null;
  return t(local, {}, [
    t('ItemId', { Id: o.id, ChangeKey: v.changeKey }),
    t('Start', {}, time(o.start)),
    t('End', {}, time(o.end)),
    t('OriginalStart', {}, time(o.originalStart)),
  ]);
}

/** Views from before meeting state was carried derive it from the attendee lists. */
function isMeeting(v: CalendarItemView): boolean {
  return v.isMeeting ?? v.requiredAttendees.length + v.optionalAttendees.length > 0;
}

/** MAPI's appointment state bits: 1 meeting, 2 received (someone else organizes it), 4 cancelled. */
function appointmentState(v: CalendarItemView): number {
  if (!isMeeting(v)) return 0;
  return 1 | (v.organizer.address !== v.mailbox ? 2 : 0) | (v.isCancelled ? 4 : 0);
}

function myResponseType(v: CalendarItemView): string {
  if (v.myResponseType) return v.myResponseType;
  if (v.organizer.address === v.mailbox) return 'Organizer';
  return [...v.requiredAttendees, ...v.optionalAttendees].find((a) => a.address === v.mailbox)?.responseType ?? 'Unknown';
}

/** `t:Mailbox` (EmailAddressType: Name, EmailAddress, RoutingType, MailboxType). */
function mailbox(a: Attendee): XmlNode {
  return t('Mailbox', {}, [
    t('Name', {}, a.name ?? a.address),
    t('EmailAddress', {}, a.address),
    t('RoutingType', {}, 'SMTP'),
    t('MailboxType', {}, 'Mailbox'),
  ]);
}

function attendee(a: Attendee): XmlNode {
  return t('Attendee', {}, [mailbox(a), t('ResponseType', {}, a.responseType)]);
}

/** `xs:duration` of a non-negative span, to the second (`PT1H30M`, `P1DT2H`, `PT0S`). */
export function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const timePart = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
  if (d === 0 && timePart === '') return 'PT0S';
  return `P${d ? `${d}D` : ''}${timePart ? `T${timePart}` : ''}`;
}

/** `t:Recurrence`: the pattern, then the range, each in the schema's element order. */
export function recurrenceElement(r: Recurrence): XmlNode {
  const p = r.pattern;
  const pattern = (() => {
    switch (p.type) {
      case 'Daily':
        return t('DailyRecurrence', {}, t('Interval', {}, p.interval));
      case 'Weekly':
        return t('WeeklyRecurrence', {}, [
          t('Interval', {}, p.interval),
          t('DaysOfWeek', {}, p.daysOfWeek.join(' ')),
          t('FirstDayOfWeek', {}, p.firstDayOfWeek),
        ]);
      case 'AbsoluteMonthly':
        return t('AbsoluteMonthlyRecurrence', {}, [t('Interval', {}, p.interval), t('DayOfMonth', {}, p.dayOfMonth)]);
      case 'RelativeMonthly':
        return t('RelativeMonthlyRecurrence', {}, [
          t('Interval', {}, p.interval),
          t('DaysOfWeek', {}, p.daysOfWeek),
          t('DayOfWeekIndex', {}, p.dayOfWeekIndex),
        ]);
      case 'AbsoluteYearly':
        return t('AbsoluteYearlyRecurrence', {}, [t('DayOfMonth', {}, p.dayOfMonth), t('Month', {}, p.month)]);
      case 'RelativeYearly':
        return t('RelativeYearlyRecurrence', {}, [
          t('DaysOfWeek', {}, p.daysOfWeek),
          t('DayOfWeekIndex', {}, p.dayOfWeekIndex),
          t('Month', {}, p.month),
        ]);
    }
  })();
  const g = r.range;
  const range =
    g.type === 'NoEnd'
      ? t('NoEndRecurrence', {}, t('StartDate', {}, g.startDate))
      : g.type === 'EndDate'
        ? t('EndDateRecurrence', {}, [t('StartDate', {}, g.startDate), t('EndDate', {}, g.endDate)])
        : t('NumberedRecurrence', {}, [t('StartDate', {}, g.startDate), t('NumberOfOccurrences', {}, g.numberOfOccurrences)]);
  return t('Recurrence', {}, [pattern, range]);
}
