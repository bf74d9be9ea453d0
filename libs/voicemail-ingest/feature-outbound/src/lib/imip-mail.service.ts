import { Injectable, Logger } from '@nestjs/common';
import { type Envelope, type ImipOutgoingEvent, Topics } from '@parley/contracts';
import { PermanentMessageError } from '@parley/messaging';
import { VoicemailIngestDatabase } from '@parley/voicemail-ingest/data-access';
import { OutboundMail, OutboundMailError } from '@parley/voicemail-ingest/feature-mailbox';
import MailComposer from 'nodemailer/lib/mail-composer';

/** The consumer that claims an outgoing iMIP event's id (so each is queued once). */
export const IMIP_MAIL_CONSUMER = 'voicemail-ingest.imip-outgoing';

/**
 * The MIME of an iMIP message (RFC 6047): from the organizer, a short text part and the iCalendar
 * object as a `text/calendar; method=…` alternative (nodemailer's `icalEvent`, which also attaches
 * it as `invite.ics` for clients that only look at attachments). The Message-ID derives from the
 * event id: the same event always makes the same message.
 */
export async function composeImipMail(event: Envelope<ImipOutgoingEvent>): Promise<Buffer> {
  const { payload } = event;
  const domain = payload.organizer.slice(payload.organizer.lastIndexOf('@') + 1);
  const who = payload.organizerName ?? payload.organizer;
  const text =
    payload.method === 'CANCEL'
      ? `${who} has canceled the meeting "${payload.subject.replace(/^Canceled: /, '')}".`
      : `${who} invites you to "${payload.subject}". Answer with your calendar.`;
  return new MailComposer({
    from: { name: payload.organizerName ?? '', address: payload.organizer },
    to: payload.recipients,
    subject: payload.subject,
    messageId: `<imip-${event.id}@${domain}>`,
    date: new Date(event.occurredAt),
    text,
    icalEvent: { method: payload.method, filename: payload.method === 'CANCEL' ? 'cancel.ics' : 'invite.ics', content: payload.ics },
  })
    .compile()
    .build();
}

/**
 * Queues calendar-sync's iMIP invitations, updates and cancellations for external attendees in the
 * outbound queue, once per event id (the claim and the queue rows commit together). Bounces go to
 * the organizer (MAIL FROM), as for mail the organizer sends.
 */
@Injectable()
export class ImipMailService {
  private readonly log = new Logger('ImipMail');

  constructor(
    private readonly db: VoicemailIngestDatabase,
    private readonly outbound: OutboundMail,
  ) {}

  async send(event: Envelope<ImipOutgoingEvent>): Promise<'queued' | 'duplicate'> {
    const { payload } = event;
    const mime = await composeImipMail(event);
    try {
      const outcome = await this.db.unitOfWork.runOnce(IMIP_MAIL_CONSUMER, { id: event.id, type: Topics.calendarImipOutgoing }, (tx) =>
        this.outbound.enqueue(
          { envelopeFrom: payload.organizer, recipients: payload.recipients, mime, submittedBy: payload.organizer },
          tx,
        ),
      );
      if (outcome.duplicate) return 'duplicate';
      this.log.log(`iMIP ${payload.method} for meeting ${payload.uid} (sequence ${payload.sequence}) queued as ${outcome.value.id}`);
      return 'queued';
    } catch (error) {
      // Without a smarthost no external attendee can be reached, and no retry changes that: dead-letter it (replayable once one is set).
      if (error instanceof OutboundMailError && error.refusal !== 'temporary')
        throw new PermanentMessageError(`iMIP ${payload.method} for meeting ${payload.uid} not queued: ${error.message}`, { cause: error });
      throw error;
    }
  }
}
