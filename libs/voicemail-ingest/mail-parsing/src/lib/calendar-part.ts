import type { CalendarPart, ParsedAttachment } from './inbound-mail';

/** METHOD is a VCALENDAR property (RFC 5545 §3.7.2), written once near the top; parameters are allowed before the colon. */
const METHOD_LINE = /^METHOD(?:;[^:\r\n]*)?:([^\r\n]*)$/im;

/**
 * The mail's iCalendar object (iMIP, RFC 6047: a `text/calendar` part), the first one when there
 * are several; null for a mail without. Only the METHOD is read here: the calendar service owns
 * the format and parses the whole object.
 */
export function calendarPartOf(attachments: readonly ParsedAttachment[]): CalendarPart | null {
  const part = attachments.find((a) => a.contentType === 'text/calendar');
  if (!part) return null;
  const content = part.content.toString('utf8');
  const method = METHOD_LINE.exec(content)?.[1]?.trim().toUpperCase() || null;
  return { method, content };
}
