import { Logger } from '@nestjs/common';
import type { DirectoryRepository } from '@parley/directory';
import type { Transaction } from '@parley/persistence';
import type { OofReplyRepository, OofReplyState } from '@parley/voicemail-ingest/data-access';
import type { InboxArrival, InboxArrivals, OutboundMail } from '@parley/voicemail-ingest/feature-mailbox';
import { composeAutoReply } from './oof-auto-reply.mime';
import { autoReplyEligibility } from './oof-auto-reply.policy';

export interface OofAutoReplySettings {
  /** How far back Sent Items makes a sender "known" for the external audience Known (PARLEY_OOF_KNOWN_SENDER_DAYS). */
  knownSenderDays: number;
}

const DAY_MS = 86_400_000;

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

/** In effect at `now`: on as of calendar-sync's last event, and not past a Scheduled window's end that event named. */
function inEffect(state: OofReplyState | null, now: Date): state is OofReplyState {
  return state !== null && state.active && (state.until === null || state.until.getTime() > now.getTime());
}

/**
 * OOF auto-replies (docs/voicemail-ingest.md, "OOF auto-replies"): on every SMTP delivery into
 * Inboxes, inside the delivery's transaction, each recipient mailbox whose OOF is in effect answers
 * an eligible sender once per OOF period — the internal reply to a domain Parley serves, else the
 * external one as the external audience allows — through the outbound queue with the null sender.
 * The claim (`oof_reply_sent`) and the queued reply commit with the delivered copies.
 */
export class OofAutoReplyService {
  private readonly log = new Logger('OofAutoReply');

  constructor(
    private readonly replies: OofReplyRepository,
    private readonly outbound: OutboundMail,
    private readonly directory: DirectoryRepository,
    private readonly settings: OofAutoReplySettings,
    arrivals: InboxArrivals,
  ) {
    arrivals.listen((tx, arrival) => this.onArrival(tx, arrival));
  }

  async onArrival(tx: Transaction, arrival: InboxArrival): Promise<void> {
    const eligibility = autoReplyEligibility(arrival.mail, arrival.parsed.headers);
    if (!('sender' in eligibility)) return;
    const { sender } = eligibility;
    let internal: boolean | undefined;
    for (const mailbox of arrival.mailboxes) {
      if (mailbox === sender) continue;
      const state = await this.replies.find(tx, mailbox);
      if (!inEffect(state, arrival.now)) continue;
      internal ??= await this.directory.servesDomain(domainOf(sender));
      if (!internal && !(await this.externalMayHear(tx, state, sender, arrival.now))) continue;
      const text = internal ? state.internalReply : state.externalReply;
      // Exchange sends nothing for an empty reply; neither do we.
      if (text.trim() === '') continue;
      if (!internal && !this.outbound.relayEnabled) {
        this.log.warn(`${mailbox} is out of office but no smarthost is configured: no automatic reply to ${sender}`);
        continue;
      }
      try {
        // A reply that cannot be queued must not cost the sender the delivery: its writes are undone, the copies stay.
        await tx.savepoint('oof_auto_reply', () => this.reply(tx, mailbox, state.period, sender, internal === true, text, arrival));
      } catch (error) {
        this.log.error({ err: error }, `${mailbox} is out of office, but the automatic reply to ${sender} could not be queued`);
      }
    }
  }

  /** Claims the one reply of the period and queues it; nothing when the sender was answered already. */
  private async reply(
    tx: Transaction,
    mailbox: string,
    period: number,
    sender: string,
    internal: boolean,
    text: string,
    arrival: InboxArrival,
  ): Promise<void> {
    if (!(await this.replies.claimReply(tx, mailbox, period, sender, arrival.now))) return;
    const mime = await composeAutoReply({
      from: { address: mailbox, name: (await this.directory.findByAddress(mailbox))?.displayName ?? null },
      to: sender,
      reply: text,
      original: {
        subject: arrival.parsed.subject,
        messageId: arrival.parsed.internetMessageId,
        references: arrival.parsed.headers.find((h) => h.name.toLowerCase() === 'references')?.value ?? null,
      },
      now: arrival.now,
    });
    // The null sender: a bounce of the reply goes nowhere, and nothing answers it back.
    const receipt = await this.outbound.enqueue({ envelopeFrom: null, recipients: [sender], mime, submittedBy: null }, tx);
    this.log.log(`${mailbox} is out of office: automatic ${internal ? 'internal' : 'external'} reply ${receipt.id} to ${sender}`);
  }

  /** The external audience: None answers no one outside, Known only recent correspondents, All everyone. */
  private async externalMayHear(tx: Transaction, state: OofReplyState, sender: string, now: Date): Promise<boolean> {
    switch (state.externalAudience) {
      case 'None':
        return false;
      case 'All':
        return true;
      case 'Known':
        return this.replies.isRecentCorrespondent(
          tx,
          state.mailbox,
          sender,
          new Date(now.getTime() - this.settings.knownSenderDays * DAY_MS),
        );
    }
  }
}
