import { z } from 'zod';
import { mailboxKey } from './envelope';

/**
 * iMIP (RFC 6047): meetings with attendees outside Parley travel as iCalendar mail. calendar-sync
 * decides and renders the iCalendar object (it owns meetings); voicemail-ingest wraps it in MIME and
 * queues it for the smarthost (it owns mail). Replies come back the other way: voicemail-ingest
 * recognises an iMIP REPLY in mail delivered to a Parley mailbox, calendar-sync applies it to the
 * organizer's meeting.
 */

/** The largest iCalendar text carried (a Kafka message stays far below its 1 MB limit). */
export const IMIP_MAX_ICS_CHARS = 256_000;

/** The iTIP methods Parley sends as organizer (RFC 5546): an invitation or update, a cancellation. */
export const imipOutgoingMethods = ['REQUEST', 'CANCEL'] as const;
export type ImipOutgoingMethod = (typeof imipOutgoingMethods)[number];

/** An organizer's invitation, update or cancellation for the external `recipients`; keyed by the organizer's mailbox. */
export const imipOutgoingEventSchema = z.object({
  organizer: mailboxKey,
  /** The organizer's display name for the From header, when the item has one. */
  organizerName: z.string().max(256).nullable(),
  method: z.enum(imipOutgoingMethods),
  /** The meeting's iCalendar UID and SEQUENCE (also inside `ics`; here for logs and for tests). */
  uid: z.string().min(1).max(255),
  sequence: z.number().int().min(0),
  /** External attendees' addresses (never a Parley mailbox: those get a copy on their calendar instead). */
  recipients: z.array(mailboxKey).min(1).max(1000),
  subject: z.string().max(1000),
  /** The whole VCALENDAR text (CRLF line ends), METHOD equal to `method`. */
  ics: z.string().min(1).max(IMIP_MAX_ICS_CHARS),
});
export type ImipOutgoingEvent = z.infer<typeof imipOutgoingEventSchema>;

/**
 * A mail carrying an iCalendar REPLY reached a Parley mailbox (the organizer, presumably); keyed by
 * that mailbox. calendar-sync decides whether it answers one of its meetings.
 */
export const imipReceivedEventSchema = z.object({
  /** The Parley mailbox the mail was delivered to. */
  mailbox: mailboxKey,
  method: z.literal('REPLY'),
  /** The header From address; null when the mail had none. */
  from: z.string().max(320).nullable(),
  /** MAIL FROM; null for the null reverse-path. */
  envelopeFrom: z.string().max(320).nullable(),
  ics: z.string().min(1).max(IMIP_MAX_ICS_CHARS),
});
export type ImipReceivedEvent = z.infer<typeof imipReceivedEventSchema>;
