import { z } from 'zod';
import { dateTimeTimeZoneSchema } from './common.schemas';

// The shapes of the calendar view and the message (voicemail) operations of the mailbox part
// (ews-gateway serves them): the answers the OpenAPI document describes, the one request body
// (a message PATCH) validated with its schema.

/** Limits of the calendar view and message lists: page sizes (`$top`, Graph's default 10), the view's window, `$skip`. */
export const MAIL_CALENDAR_LIMITS = {
  /** Graph's default page size for events and messages. */
  defaultTop: 10,
  /** The most one page holds (the message store's and calendar-sync's page limit). */
  maxTop: 1000,
  /** The longest calendarView window: Graph has no bound, Parley keeps a view cheap (two months and a day or two). */
  maxCalendarViewDays: 62,
  /** The furthest a calendarView page may start (`$skip + $top` stays within calendar-sync's 2000 occurrences per query). */
  maxCalendarViewSkip: 1000,
  /** The furthest a message page may start. */
  maxMessageSkip: 100_000,
  /** Most `id eq '…'` terms one `$expand=singleValueExtendedProperties($filter=…)` may carry. */
  maxExtendedProperties: 20,
} as const;

/** Graph's `freeBusyStatus` values (an event's `showAs`). */
export const freeBusyStatuses = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'] as const;
export type GraphFreeBusyStatus = (typeof freeBusyStatuses)[number];

/** Graph's `eventType` values. */
export const eventTypes = ['singleInstance', 'occurrence', 'exception', 'seriesMaster'] as const;
export type GraphEventType = (typeof eventTypes)[number];

/** Graph's `importance` values. */
export const importances = ['low', 'normal', 'high'] as const;

/** Graph's `sensitivity` values. */
export const sensitivities = ['normal', 'personal', 'private', 'confidential'] as const;

export function mailCalendarSchemas() {
  const emailAddress = z.object({ name: z.string(), address: z.string() }).meta({ description: 'A name and an SMTP address.' });
  const recipient = z.object({ emailAddress }).meta({ description: 'A sender or recipient.' });
  const event = z
    .object({
      id: z.string().meta({ description: "The item's id (an occurrence has its own, as in EWS's CalendarView)." }),
      changeKey: z.string(),
      createdDateTime: z.string(),
      lastModifiedDateTime: z.string(),
      subject: z.string(),
      start: dateTimeTimeZoneSchema,
      end: dateTimeTimeZoneSchema,
      isAllDay: z.boolean(),
      showAs: z.enum(freeBusyStatuses),
      sensitivity: z.enum(sensitivities),
      location: z.object({ displayName: z.string() }),
      organizer: recipient,
      isOrganizer: z.boolean(),
      isCancelled: z.boolean(),
      type: z.enum(eventTypes),
      seriesMasterId: z.string().nullable().meta({ description: 'The series of an occurrence or exception; null otherwise.' }),
    })
    .meta({ description: 'An event of a calendar view: a single item, or one occurrence of a series.' });
  const eventCollection = z
    .object({
      '@odata.context': z.string(),
      value: z.array(event),
      '@odata.nextLink': z.string().optional().meta({ description: 'The next page, while more remain.' }),
    })
    .meta({ description: 'The events overlapping the window, recurring series expanded, by start.' });
  const extendedProperty = z
    .object({ id: z.string(), value: z.string() })
    .meta({ description: "A MAPI property, named as asked (`Integer 0x6801`); Graph's singleValueLegacyExtendedProperty." });
  const message = z
    .object({
      id: z.string(),
      changeKey: z.string(),
      createdDateTime: z.string(),
      lastModifiedDateTime: z.string(),
      receivedDateTime: z.string(),
      sentDateTime: z.string().nullable(),
      subject: z.string(),
      importance: z.enum(importances),
      isRead: z.boolean(),
      hasAttachments: z.boolean(),
      internetMessageId: z.string().nullable(),
      from: recipient.nullable(),
      sender: recipient.nullable(),
      toRecipients: z.array(recipient),
      ccRecipients: z.array(recipient),
      body: z
        .object({ contentType: z.enum(['text', 'html']), content: z.string() })
        .optional()
        .meta({ description: 'On a single message only (GET …/messages/{id}).' }),
      singleValueExtendedProperties: z
        .array(extendedProperty)
        .optional()
        .meta({ description: 'Only when $expand asks for them: those of the asked ones the message has.' }),
    })
    .meta({ description: 'A message (mail or voicemail).' });
  const messageEntity = message.extend({ '@odata.context': z.string() }).meta({ description: 'A message, with its OData context.' });
  const messageCollection = z
    .object({
      '@odata.context': z.string(),
      '@odata.count': z.number().int().optional().meta({ description: 'Messages in the folder, with $count=true.' }),
      value: z.array(message),
      '@odata.nextLink': z.string().optional().meta({ description: 'The next page, while more remain.' }),
    })
    .meta({ description: 'A page of a folder, newest first unless $orderby says otherwise.' });
  const messagePatch = z.strictObject({ isRead: z.boolean() }).meta({ description: 'Only isRead can be changed.' });
  const fileAttachment = z
    .object({
      '@odata.type': z.literal('#microsoft.graph.fileAttachment'),
      id: z.string(),
      name: z.string(),
      contentType: z.string(),
      size: z.number().int(),
      isInline: z.boolean(),
      contentId: z.string().nullable(),
    })
    .meta({ description: 'A file attachment, without its bytes (GET …/attachments/{id}/$value reads them).' });
  const attachmentCollection = z
    .object({ '@odata.context': z.string(), value: z.array(fileAttachment) })
    .meta({ description: "A message's attachments." });
  return {
    emailAddress,
    recipient,
    event,
    eventCollection,
    extendedProperty,
    message,
    messageEntity,
    messageCollection,
    messagePatch,
    fileAttachment,
    attachmentCollection,
  };
}

export type MailCalendarSchemas = ReturnType<typeof mailCalendarSchemas>;

export const mailCalendarSchemaNames: Record<keyof MailCalendarSchemas, string> = {
  emailAddress: 'microsoft.graph.emailAddress',
  recipient: 'microsoft.graph.recipient',
  event: 'microsoft.graph.event',
  eventCollection: 'EventCollection',
  extendedProperty: 'microsoft.graph.singleValueLegacyExtendedProperty',
  message: 'microsoft.graph.message',
  messageEntity: 'MessageEntity',
  messageCollection: 'MessageCollection',
  messagePatch: 'MessagePatch',
  fileAttachment: 'microsoft.graph.fileAttachment',
  attachmentCollection: 'AttachmentCollection',
};

export type GraphEvent = z.output<MailCalendarSchemas['event']>;
export type GraphMessage = z.output<MailCalendarSchemas['message']>;
export type GraphFileAttachment = z.output<MailCalendarSchemas['fileAttachment']>;
export type GraphRecipient = z.output<MailCalendarSchemas['recipient']>;
