import { Injectable } from '@nestjs/common';
import { CalendarPresenceStateChanged, MessageWaitingChangedEvent, OofEffectiveChanged, Topics } from '@parley/contracts';
import type { Transaction } from '@parley/persistence';
import { PresenceBridgeDatabase, PresenceSourceRepository } from '@parley/presence-bridge/data-access';
import { PresenceViewPublisher } from './presence-view.publisher';

/**
 * `applied`: stored and the view changed (published); `unchanged`: stored, the view is the same;
 * `stale`: the announcing service had announced a newer state of that kind already; `duplicate`: this event was applied before.
 */
export type SourceApplication = 'applied' | 'unchanged' | 'stale' | 'duplicate';

/**
 * Applies what other services announce about a mailbox — calendar-sync's effective OOF state and
 * calendar state, voicemail-ingest's voicemail counts — and republishes the user's presence. Each event is applied once (by event id); of each
 * kind, only an event with a higher sequence than the stored one replaces it, so a late or
 * replayed event cannot roll presence back. Both kinds share calendar-sync's per-mailbox sequence,
 * but each is a whole state of its own kind, so each kind is guarded separately.
 */
@Injectable()
export class PresenceSourcesService {
  constructor(
    private readonly db: PresenceBridgeDatabase,
    private readonly sources: PresenceSourceRepository,
    private readonly publisher: PresenceViewPublisher,
  ) {}

  async applyOof(eventId: string, event: OofEffectiveChanged, now = new Date()): Promise<SourceApplication> {
    return this.apply('presence-bridge.oof-effective', eventId, Topics.oofEffectiveChanged, event.mailbox, now, (tx) =>
      this.sources.applyOof(tx, event.mailbox, { active: event.active, message: event.internalReply, sequence: event.sequence }, now),
    );
  }

  async applyCalendar(eventId: string, event: CalendarPresenceStateChanged, now = new Date()): Promise<SourceApplication> {
    const until = event.until === null ? null : new Date(event.until);
    return this.apply('presence-bridge.calendar-state', eventId, Topics.calendarPresenceStateChanged, event.mailbox, now, (tx) =>
      this.sources.applyCalendar(tx, event.mailbox, { state: event.state, until, sequence: event.sequence }, now),
    );
  }

  /**
   * voicemail-ingest's counts (a compacted state topic: a replay hands the latest again, which is
   * then `stale`). They change only the owner's view; watchers never see them.
   */
  async applyMessageWaiting(eventId: string, event: MessageWaitingChangedEvent, now = new Date()): Promise<SourceApplication> {
    return this.apply('presence-bridge.message-waiting', eventId, Topics.messageWaitingChanged, event.mailbox, now, (tx) =>
      this.sources.applyMessageWaiting(tx, event.mailbox, event, now),
    );
  }

  private async apply(
    consumer: string,
    eventId: string,
    topic: string,
    mailbox: string,
    now: Date,
    store: (tx: Transaction) => Promise<boolean>,
  ): Promise<SourceApplication> {
    const outcome = await this.db.unitOfWork.runOnce(consumer, { id: eventId, type: topic }, async (tx) => {
      const locked = await this.publisher.lockUser(tx, mailbox);
      if (!(await store(tx))) return 'stale' as const;
      const result = await this.publisher.republish(tx, mailbox, now, { locked });
      return result.published ? ('applied' as const) : ('unchanged' as const);
    });
    return outcome.duplicate ? 'duplicate' : outcome.value;
  }
}
