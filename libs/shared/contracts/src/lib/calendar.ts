import { z } from 'zod';
import { commandErrorCodeSchema } from './command-errors';
import { mailboxKey } from './envelope';

/**
 * Calendar contracts: calendar-sync owns calendar items; the EWS gateway reaches them with the
 * commands below (request/reply) and everyone else learns of changes from `calendar.item.changed`.
 * Instants are ISO 8601 with an offset (replies always in UTC, `Z`); time zones are Windows ids,
 * as EWS carries them. Recurrence shapes follow EWS `t:Recurrence` one to one.
 */

export const legacyFreeBusyStatuses = ['Free', 'Tentative', 'Busy', 'OOF', 'WorkingElsewhere', 'NoData'] as const;
export type LegacyFreeBusyStatus = (typeof legacyFreeBusyStatuses)[number];

export const sensitivities = ['Normal', 'Personal', 'Private', 'Confidential'] as const;
export const bodyTypes = ['Text', 'HTML'] as const;
export const responseTypes = ['Unknown', 'Organizer', 'Tentative', 'Accept', 'Decline', 'NoResponseReceived'] as const;
export type ResponseType = (typeof responseTypes)[number];

/** EWS `t:DayOfWeekType` without the composite values. */
export const weekDays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
export type WeekDay = (typeof weekDays)[number];
/** EWS `t:DayOfWeekType`: a day, or `Day` (any), `Weekday` (Mon–Fri), `WeekendDay` (Sat, Sun). */
export const relativeDays = [...weekDays, 'Day', 'Weekday', 'WeekendDay'] as const;
export type RelativeDay = (typeof relativeDays)[number];
export const dayOfWeekIndexes = ['First', 'Second', 'Third', 'Fourth', 'Last'] as const;
export type DayOfWeekIndex = (typeof dayOfWeekIndexes)[number];
export const months = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;
export type Month = (typeof months)[number];

const instant = z.iso.datetime({ offset: true });
const localDate = z.iso.date();
const interval = z.number().int().min(1).max(999);
const dayOfMonth = z.number().int().min(1).max(31);
/** A Windows time zone id (`W. Europe Standard Time`); calendar-sync refuses ids it cannot map. */
export const windowsTimeZoneId = z.string().trim().min(1).max(100);

export const recurrencePatternSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Daily'), interval }),
  z.object({
    type: z.literal('Weekly'),
    interval,
    daysOfWeek: z.array(z.enum(weekDays)).min(1).max(7),
    firstDayOfWeek: z.enum(weekDays).default('Sunday'),
  }),
  z.object({ type: z.literal('AbsoluteMonthly'), interval, dayOfMonth }),
  z.object({ type: z.literal('RelativeMonthly'), interval, daysOfWeek: z.enum(relativeDays), dayOfWeekIndex: z.enum(dayOfWeekIndexes) }),
  z.object({ type: z.literal('AbsoluteYearly'), month: z.enum(months), dayOfMonth }),
  z.object({
    type: z.literal('RelativeYearly'),
    month: z.enum(months),
    daysOfWeek: z.enum(relativeDays),
    dayOfWeekIndex: z.enum(dayOfWeekIndexes),
  }),
]);
export type RecurrencePattern = z.infer<typeof recurrencePatternSchema>;

/** Range dates are local dates in the series' start time zone, as in EWS. */
export const recurrenceRangeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('NoEnd'), startDate: localDate }),
  z.object({ type: z.literal('EndDate'), startDate: localDate, endDate: localDate }),
  z.object({ type: z.literal('Numbered'), startDate: localDate, numberOfOccurrences: z.number().int().min(1).max(999) }),
]);
export type RecurrenceRange = z.infer<typeof recurrenceRangeSchema>;

export const recurrenceSchema = z
  .object({ pattern: recurrencePatternSchema, range: recurrenceRangeSchema })
  .refine((r) => r.range.type !== 'EndDate' || r.range.startDate <= r.range.endDate, {
    message: 'endDate is before startDate',
    path: ['range', 'endDate'],
  });
export type Recurrence = z.infer<typeof recurrenceSchema>;

export const attendeeSchema = z.object({
  address: mailboxKey,
  name: z.string().max(256).optional(),
  responseType: z.enum(responseTypes).default('Unknown'),
});
export type Attendee = z.infer<typeof attendeeSchema>;

export const bodySchema = z.object({ type: z.enum(bodyTypes), content: z.string().max(1_000_000) });

const HTML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The Text view of an HTML body (EWS `BodyType` Text, a mail's text part): tags dropped, line breaks where blocks end. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6])\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_, name: string) => HTML_ENTITIES[name])
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
export type CalendarBody = z.infer<typeof bodySchema>;

/** The fields a client writes. `end` must not precede `start`; time zones default to UTC. */
export const calendarItemFieldsSchema = z.object({
  subject: z.string().max(255).default(''),
  body: bodySchema.nullable().default(null),
  location: z.string().max(255).nullable().default(null),
  start: instant,
  end: instant,
  isAllDay: z.boolean().default(false),
  legacyFreeBusyStatus: z.enum(legacyFreeBusyStatuses).default('Busy'),
  sensitivity: z.enum(sensitivities).default('Normal'),
  /** Defaults to the mailbox owner. */
  organizer: attendeeSchema.nullable().default(null),
  requiredAttendees: z.array(attendeeSchema).max(500).default([]),
  optionalAttendees: z.array(attendeeSchema).max(500).default([]),
  startTimeZone: windowsTimeZoneId.default('UTC'),
  endTimeZone: windowsTimeZoneId.nullable().default(null),
  recurrence: recurrenceSchema.nullable().default(null),
});
export type CalendarItemFields = z.infer<typeof calendarItemFieldsSchema>;
export type CalendarItemInput = z.input<typeof calendarItemFieldsSchema>;

/** Fields an UpdateItem may set (all but none required) or delete (back to their default). */
export const updatableFields = [
  'subject',
  'body',
  'location',
  'start',
  'end',
  'isAllDay',
  'legacyFreeBusyStatus',
  'sensitivity',
  'organizer',
  'requiredAttendees',
  'optionalAttendees',
  'startTimeZone',
  'endTimeZone',
  'recurrence',
] as const;
export type UpdatableField = (typeof updatableFields)[number];
/** Fields that may also be set on a single occurrence of a series (making it an exception). */
export const occurrenceFields = [
  'subject',
  'body',
  'location',
  'start',
  'end',
  'isAllDay',
  'legacyFreeBusyStatus',
  'sensitivity',
] as const satisfies readonly UpdatableField[];
export type OccurrenceField = (typeof occurrenceFields)[number];
/** Fields whose deletion is allowed (the others are required). */
export const deletableFields = [
  'body',
  'location',
  'organizer',
  'requiredAttendees',
  'optionalAttendees',
  'endTimeZone',
  'recurrence',
] as const satisfies readonly UpdatableField[];

export const calendarItemPatchSchema = z
  .object({
    subject: z.string().max(255),
    body: bodySchema.nullable(),
    location: z.string().max(255).nullable(),
    start: instant,
    end: instant,
    isAllDay: z.boolean(),
    legacyFreeBusyStatus: z.enum(legacyFreeBusyStatuses),
    sensitivity: z.enum(sensitivities),
    organizer: attendeeSchema.nullable(),
    requiredAttendees: z.array(attendeeSchema).max(500),
    optionalAttendees: z.array(attendeeSchema).max(500),
    startTimeZone: windowsTimeZoneId,
    endTimeZone: windowsTimeZoneId.nullable(),
    recurrence: recurrenceSchema.nullable(),
  })
  .partial();
export type CalendarItemPatch = z.infer<typeof calendarItemPatchSchema>;

/** One occurrence changed from what its series says (EWS `ModifiedOccurrences`). */
export const modifiedOccurrenceSchema = z.object({
  /** The start the series would have given this occurrence (EWS `OriginalStart`), UTC. */
  originalStart: instant,
  start: instant,
  end: instant,
  overrides: calendarItemPatchSchema.pick({
    subject: true,
    body: true,
    location: true,
    isAllDay: true,
    legacyFreeBusyStatus: true,
    sensitivity: true,
  }),
});
export type ModifiedOccurrence = z.infer<typeof modifiedOccurrenceSchema>;

/** EWS `CalendarItemType`. */
export const calendarItemTypes = ['Single', 'RecurringMaster', 'Occurrence', 'Exception'] as const;

/** Where an occurrence sits in its series: what EWS `OccurrenceItemId` / `FirstOccurrence` carry. */
export const occurrenceRefSchema = z.object({
  seriesId: z.string(),
  /** 1-based position in the series (EWS `InstanceIndex`), counting deleted occurrences too. */
  index: z.number().int().min(1),
  originalStart: instant,
});
export type OccurrenceRef = z.infer<typeof occurrenceRefSchema>;

/**
 * One occurrence as its series master lists it (EWS `t:OccurrenceInfoType`). `id` is the
 * occurrence's own id, the one a CalendarView lists: GetItem on it answers that occurrence. Its
 * change key is the master's, as for every occurrence view.
 */
export const occurrenceInfoSchema = z.object({
  id: z.string(),
  start: instant,
  end: instant,
  /** The start the series gives this occurrence (differs from `start` once it was moved). */
  originalStart: instant,
});
export type OccurrenceInfo = z.infer<typeof occurrenceInfoSchema>;

/**
 * A series master's occurrences as EWS `FirstOccurrence`, `LastOccurrence` and
 * `ModifiedOccurrences` carry them. Deleted occurrences are skipped (they cannot be bound), so
 * `first` / `last` are the first and last live ones.
 */
export const occurrenceSummarySchema = z.object({
  first: occurrenceInfoSchema.nullable(),
  /** Null for a series without end (Exchange then omits LastOccurrence). */
  last: occurrenceInfoSchema.nullable(),
  /** By original start. */
  modified: z.array(occurrenceInfoSchema),
});
export type OccurrenceSummary = z.infer<typeof occurrenceSummarySchema>;

/** A calendar item as calendar-sync answers it: a single item, a series master, or one occurrence. */
export const calendarItemViewSchema = z.object({
  /** Opaque, unguessable, bound to the mailbox. An occurrence has an id of its own. */
  id: z.string(),
  /** Changes on every write to the item (for an occurrence: to its series). */
  changeKey: z.string(),
  mailbox: mailboxKey,
  itemType: z.enum(calendarItemTypes),
  subject: z.string(),
  body: bodySchema.nullable(),
  location: z.string().nullable(),
  start: instant,
  end: instant,
  isAllDay: z.boolean(),
  legacyFreeBusyStatus: z.enum(legacyFreeBusyStatuses),
  sensitivity: z.enum(sensitivities),
  organizer: attendeeSchema,
  requiredAttendees: z.array(attendeeSchema),
  optionalAttendees: z.array(attendeeSchema),
  startTimeZone: windowsTimeZoneId,
  endTimeZone: windowsTimeZoneId,
  /** On series masters only (occurrences carry `occurrence` instead, as in EWS). */
  recurrence: recurrenceSchema.nullable(),
  modifiedOccurrences: z.array(modifiedOccurrenceSchema),
  /** Original starts (UTC) of deleted occurrences. */
  deletedOccurrences: z.array(instant),
  /** Set on Occurrence / Exception. */
  occurrence: occurrenceRefSchema.nullable(),
  /** Series only: the first and last occurrence when the range bounds them (null for NoEnd last). */
  firstOccurrence: occurrenceRefSchema.nullable(),
  lastOccurrence: occurrenceRefSchema.nullable(),
  /**
   * Series masters only (null otherwise). Optional: views published before it existed lack it,
   * and readers treat a missing summary as unknown (nothing written), never as "no occurrences".
   */
  occurrences: occurrenceSummarySchema.nullable().optional(),
  revision: z.number().int().min(1),
  createdAt: instant,
  lastModifiedAt: instant,
  /**
   * The folder that holds the item (an occurrence: its series): the Calendar, or Deleted Items
   * after a DeleteItem with MoveToDeletedItems. Optional: views published before it existed lack
   * it, and readers take a missing one as the Calendar.
   */
  folder: z.enum(['calendar', 'deleteditems']).optional(),
  /**
   * Meeting state (EWS `IsMeeting`, `IsCancelled`, `MyResponseType`, `UID`). Optional: views
   * published before they existed lack them, and readers derive them from the attendee lists.
   * `meetingUid` is shared by an organizer's meeting and every attendee's copy of it.
   */
  isMeeting: z.boolean().optional(),
  isCancelled: z.boolean().optional(),
  myResponseType: z.enum(responseTypes).optional(),
  meetingUid: z.string().nullable().optional(),
});
export type CalendarItemView = z.infer<typeof calendarItemViewSchema>;

export const conflictResolutions = ['NeverOverwrite', 'AutoResolve', 'AlwaysOverwrite'] as const;

/**
 * EWS `SendMeetingInvitations` (CreateItem) and `SendMeetingCancellations` (DeleteItem). Anything
 * but SendToNone delivers to the attendees that are Parley mailboxes; "AndSaveCopy" changes
 * nothing more (Parley keeps no Sent Items).
 */
export const meetingSendModes = ['SendToNone', 'SendOnlyToAll', 'SendToAllAndSaveCopy'] as const;
export type MeetingSendMode = (typeof meetingSendModes)[number];
/** EWS `SendMeetingInvitationsOrCancellations` (UpdateItem); the "changed" modes reach every attendee copy too. */
export const meetingUpdateSendModes = [
  'SendToNone',
  'SendOnlyToAll',
  'SendOnlyToChanged',
  'SendToAllAndSaveCopy',
  'SendToChangedAndSaveCopy',
] as const;
export type MeetingUpdateSendMode = (typeof meetingUpdateSendModes)[number];

// ---- commands -------------------------------------------------------------------------------

/** The send modes default to SendToNone, what senders from before they existed meant. */
export const createCalendarItemRequestSchema = z
  .object({ mailbox: mailboxKey, item: calendarItemFieldsSchema, sendMeetingInvitations: z.enum(meetingSendModes).default('SendToNone') })
  .refine((r) => Date.parse(r.item.start) <= Date.parse(r.item.end), { message: 'end is before start', path: ['item', 'end'] });
export type CreateCalendarItemRequest = z.infer<typeof createCalendarItemRequestSchema>;

export const updateCalendarItemRequestSchema = z.object({
  mailbox: mailboxKey,
  /** An item, series or occurrence id. Updating an occurrence makes it an exception. */
  itemId: z.string().min(1).max(200),
  /** When present it is checked; a stale one under NeverOverwrite is a `Conflict`. */
  changeKey: z.string().max(200).optional(),
  conflictResolution: z.enum(conflictResolutions).default('AutoResolve'),
  set: calendarItemPatchSchema.default({}),
  delete: z.array(z.enum(deletableFields)).default([]),
  /** Only the organizer's own meeting propagates to attendee copies. */
  sendMeetingInvitationsOrCancellations: z.enum(meetingUpdateSendModes).default('SendToNone'),
});
export type UpdateCalendarItemRequest = z.infer<typeof updateCalendarItemRequestSchema>;

/**
 * How DeleteItem disposes of an item (EWS `DeleteType`, less SoftDelete, which the gateway sends as
 * HardDelete: Parley keeps no dumpster). MoveToDeletedItems keeps the item in the Deleted Items
 * folder, out of every calendar view, free/busy and count; an item already there is removed.
 */
export const disposals = ['HardDelete', 'MoveToDeletedItems'] as const;
export type Disposal = (typeof disposals)[number];

export const deleteCalendarItemRequestSchema = z.object({
  mailbox: mailboxKey,
  /** A single item or series id deletes it whole; an occurrence id deletes that occurrence only (whatever the disposal). */
  itemId: z.string().min(1).max(200),
  disposal: z.enum(disposals).default('HardDelete'),
  /** Only the organizer's own meeting cancels attendee copies. */
  sendMeetingCancellations: z.enum(meetingSendModes).default('SendToNone'),
});
export type DeleteCalendarItemRequest = z.infer<typeof deleteCalendarItemRequestSchema>;
export const deleteCalendarItemReplySchema = z.object({
  deleted: z.enum(['item', 'occurrence']),
  id: z.string(),
  changeKey: z.string().nullable(),
});
export type DeleteCalendarItemReply = z.infer<typeof deleteCalendarItemReplySchema>;

/** An attendee's answer to a meeting (EWS `AcceptItem`, `TentativelyAcceptItem`, `DeclineItem`). */
export const meetingResponses = ['Accept', 'Tentative', 'Decline'] as const;
export type MeetingResponse = (typeof meetingResponses)[number];
/** EWS `MessageDisposition` of a response: SaveOnly keeps the answer on the attendee's copy; the others also tell the organizer. */
export const messageDispositions = ['SaveOnly', 'SendOnly', 'SendAndSaveCopy'] as const;
export type MessageDisposition = (typeof messageDispositions)[number];

/**
 * The owner of an attendee copy answers the meeting: Accept (Busy) and Tentative stay on its
 * calendar, Decline moves the copy to Deleted Items. Unless SaveOnly, the organizer's item records
 * the answer on the attendee's entry. Only a whole meeting copy (not an occurrence, not one the
 * mailbox organizes, not a cancelled one) can be answered.
 */
export const respondToMeetingRequestSchema = z.object({
  mailbox: mailboxKey,
  /** The attendee's copy, as its owner's calendar lists it. */
  itemId: z.string().min(1).max(200),
  response: z.enum(meetingResponses),
  messageDisposition: z.enum(messageDispositions).default('SendAndSaveCopy'),
});
export type RespondToMeetingRequest = z.infer<typeof respondToMeetingRequestSchema>;
/** The attendee's copy after the answer (in Deleted Items after a Decline). */
export const respondToMeetingReplySchema = calendarItemViewSchema;

/** GetItem: by id (item, series or occurrence), an occurrence of a series, or an occurrence's master. */
export const calendarItemTargetSchema = z.discriminatedUnion('by', [
  z.object({ by: z.literal('id'), itemId: z.string().min(1).max(200) }),
  z.object({ by: z.literal('occurrenceIndex'), seriesId: z.string().min(1).max(200), index: z.number().int().min(1) }),
  z.object({ by: z.literal('originalStart'), seriesId: z.string().min(1).max(200), originalStart: instant }),
  z.object({ by: z.literal('recurringMaster'), occurrenceId: z.string().min(1).max(200) }),
]);
export type CalendarItemTarget = z.infer<typeof calendarItemTargetSchema>;
export const getCalendarItemRequestSchema = z.object({ mailbox: mailboxKey, target: calendarItemTargetSchema });
export type GetCalendarItemRequest = z.infer<typeof getCalendarItemRequestSchema>;

/** Most occurrences one calendar view or free/busy query expands (per mailbox). */
export const MAX_OCCURRENCES_PER_QUERY = 2000;
/** Longest window a calendar view or free/busy query may span (EWS allows 42 days for free/busy). */
export const MAX_QUERY_WINDOW_DAYS = 2 * 366;

/** FindItem with a CalendarView: occurrences overlapping [start, end), sorted by start. */
export const findCalendarItemsRequestSchema = z
  .object({
    mailbox: mailboxKey,
    start: instant,
    end: instant,
    maxEntries: z.number().int().min(1).max(MAX_OCCURRENCES_PER_QUERY).optional(),
  })
  .refine((r) => Date.parse(r.start) < Date.parse(r.end), { message: 'end must be after start', path: ['end'] });
export type FindCalendarItemsRequest = z.infer<typeof findCalendarItemsRequestSchema>;
export const findCalendarItemsReplySchema = z.object({
  items: z.array(calendarItemViewSchema),
  /** Occurrences in the window (before `maxEntries` cut the list). */
  totalItemsInView: z.number().int().min(0),
  includesLastItemInRange: z.boolean(),
});
export type FindCalendarItemsReply = z.infer<typeof findCalendarItemsReplySchema>;

/** Most entries one page of the Deleted Items folder returns (per owner). */
export const MAX_DELETED_ITEMS_PER_PAGE = 1000;

/**
 * The calendar items (single items and series masters) in the mailbox's Deleted Items folder,
 * in the order they were moved there (then by id): `maxEntries` of them from `offset`. With
 * `folder: 'calendar'`, the Calendar folder's items instead, by id (SyncFolderItems enumerates them).
 */
export const findDeletedCalendarItemsRequestSchema = z.object({
  mailbox: mailboxKey,
  folder: z.enum(['calendar', 'deleteditems']).optional(),
  offset: z.number().int().min(0).default(0),
  maxEntries: z.number().int().min(0).max(MAX_DELETED_ITEMS_PER_PAGE).default(MAX_DELETED_ITEMS_PER_PAGE),
});
export type FindDeletedCalendarItemsRequest = z.infer<typeof findDeletedCalendarItemsRequestSchema>;
export const findDeletedCalendarItemsReplySchema = z.object({
  items: z.array(calendarItemViewSchema),
  /** All calendar items in Deleted Items. */
  total: z.number().int().min(0),
});
export type FindDeletedCalendarItemsReply = z.infer<typeof findDeletedCalendarItemsReplySchema>;

// ---- working hours --------------------------------------------------------------------------

/** Minutes after midnight, as EWS `StartTimeInMinutes` / `EndTimeInMinutes` count them (0–1440). */
const minuteOfDay = z.number().int().min(0).max(1440);

/**
 * A mailbox's working hours, as Exchange keeps them (and Outlook lets a user set them): one span of
 * the day on a set of weekdays, in one time zone. Clients shade the rest as "outside working hours".
 */
export const workingHoursSchema = z
  .object({
    /** A Windows id in replies; a set command may also name an IANA zone (stored as its Windows id). */
    timeZone: windowsTimeZoneId,
    /** At least one day, each once (replies list them Sunday first). */
    days: z
      .array(z.enum(weekDays))
      .min(1)
      .max(7)
      .refine((days) => new Set(days).size === days.length, { message: 'a day is listed twice' }),
    startMinutes: minuteOfDay,
    endMinutes: minuteOfDay,
  })
  .refine((h) => h.startMinutes < h.endMinutes, { message: 'the working day must end after it starts', path: ['endMinutes'] });
export type WorkingHours = z.infer<typeof workingHoursSchema>;

/**
 * Published (through the outbox, keyed by the mailbox) on every change: the stored hours, `null`
 * once reset (the default applies, which only calendar-sync resolves: its free/busy answers carry it), with the revision.
 */
export const workingHoursChangedSchema = z.object({
  mailbox: mailboxKey,
  workingHours: workingHoursSchema.nullable(),
  revision: z.number().int().min(1),
});
export type WorkingHoursChanged = z.infer<typeof workingHoursChangedSchema>;

// ---- free/busy ------------------------------------------------------------------------------

export const freeBusyViewTypes = ['None', 'MergedOnly', 'FreeBusy', 'FreeBusyMerged', 'Detailed', 'DetailedMerged'] as const;
export type FreeBusyViewType = (typeof freeBusyViewTypes)[number];

export const freeBusyRequestSchema = z
  .object({
    /** The authenticated caller (after impersonation): details are shown only for its own calendar. */
    requester: mailboxKey.optional(),
    mailboxes: z.array(mailboxKey).min(1).max(100),
    start: instant,
    end: instant,
    mergedIntervalMinutes: z.number().int().min(5).max(1440).default(30),
    requestedView: z.enum(freeBusyViewTypes).default('DetailedMerged'),
  })
  .refine((r) => Date.parse(r.start) < Date.parse(r.end), { message: 'end must be after start', path: ['end'] });
export type FreeBusyRequest = z.infer<typeof freeBusyRequestSchema>;

export const calendarEventSchema = z.object({
  start: instant,
  end: instant,
  busyType: z.enum(legacyFreeBusyStatuses),
  /** Only when the requester may see details (its own calendar) and the item is not private. */
  details: z
    .object({
      id: z.string(),
      subject: z.string(),
      location: z.string().nullable(),
      isMeeting: z.boolean(),
      isRecurring: z.boolean(),
      isException: z.boolean(),
      isReminderSet: z.boolean(),
      isPrivate: z.boolean(),
    })
    .nullable(),
});
export type CalendarEvent = z.infer<typeof calendarEventSchema>;

export const freeBusyViewSchema = z.object({
  /** What was granted: a Detailed request for someone else's calendar is answered as FreeBusy. */
  viewType: z.enum(freeBusyViewTypes),
  /** One digit per interval from `start`: 0 Free, 1 Tentative, 2 Busy, 3 OOF, 4 NoData. */
  mergedFreeBusy: z.string().nullable(),
  calendarEvents: z.array(calendarEventSchema).nullable(),
  /** The mailbox's working hours in the views Exchange gives them with (FreeBusy, FreeBusyMerged, Detailed, DetailedMerged); null in None and MergedOnly. */
  workingHours: workingHoursSchema.nullable(),
});
export type FreeBusyView = z.infer<typeof freeBusyViewSchema>;

export const freeBusyResultSchema = z.discriminatedUnion('ok', [
  z.object({ mailbox: mailboxKey, ok: z.literal(true), view: freeBusyViewSchema }),
  z.object({ mailbox: mailboxKey, ok: z.literal(false), error: z.object({ code: commandErrorCodeSchema, message: z.string() }) }),
]);
export const freeBusyReplySchema = z.object({ results: z.array(freeBusyResultSchema) });
export type FreeBusyReply = z.infer<typeof freeBusyReplySchema>;

// ---- events -----------------------------------------------------------------------------

/** Published (through the outbox) on every calendar write; keyed by the mailbox. */
export const calendarItemChangedSchema = z.object({
  mailbox: mailboxKey,
  change: z.enum(['created', 'updated', 'deleted']),
  itemId: z.string(),
  /** Set when one occurrence changed (modified or deleted). */
  originalStart: instant.nullable(),
  changeKey: z.string().nullable(),
  revision: z.number().int().min(1),
  /** The item after the change (null when deleted). */
  item: calendarItemViewSchema.nullable(),
});
export type CalendarItemChanged = z.infer<typeof calendarItemChangedSchema>;
