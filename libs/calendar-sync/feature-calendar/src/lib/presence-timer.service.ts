import { Injectable, Logger } from '@nestjs/common';
import {
  CalendarPresenceStateChanged,
  DISABLED_OOF_SETTINGS,
  MAX_OCCURRENCES_PER_QUERY,
  nextOofChangeAfter,
  OofEffectiveChanged,
  oofActiveAt,
  Topics,
} from '@parley/contracts';
import {
  CalendarItemRepository,
  CalendarSyncDatabase,
  OofSettingsRepository,
  PresenceSourceState,
  PresenceTimerRepository,
  StoredCalendarItem,
} from '@parley/calendar-sync/data-access';
import type { Transaction } from '@parley/persistence';
import { instancesInWindow, instanceStatus } from './calendar-item.mapper';
import { calendarStateAt, nextBoundaryAfter, PresenceInterval, presenceStateOf } from './presence-state';

/**
 * How far ahead a re-evaluation expands the calendar (recurring series included). Only the next
 * transition is planned; a mailbox whose calendar is quiet that long is looked at again then.
 */
export const PLANNING_HORIZON_MS = 86_400_000;
/** When a mailbox's evaluation fails on its own, it is tried again this much later (the others go on). */
export const FAILED_EVALUATION_RETRY_MS = 60_000;

/** One due row fired: when it was due and when it was evaluated (ms since the epoch). */
export interface FiredTimer {
  mailbox: string;
  dueAt: number;
  firedAt: number;
}

/**
 * Fires calendar-sync's due-queue. A row says "re-evaluate this mailbox now", not "apply this
 * change": the effective OOF state and the calendar state are recomputed at the firing instant from
 * the mailbox's own settings and items, compared with what was last published, and only a
 * difference is published (through the outbox, in the transaction that also moves the row to the
 * mailbox's next transition). A late firing therefore publishes the state of now, once.
 */
@Injectable()
export class PresenceTimerService {
  private readonly logger = new Logger('PresenceTimers');

  constructor(
    private readonly db: CalendarSyncDatabase,
    private readonly items: CalendarItemRepository,
    private readonly oofs: OofSettingsRepository,
    private readonly timers: PresenceTimerRepository,
  ) {}

  /**
   * Fires up to `limit` rows due now, earliest first, in one transaction. If that fails (one
   * mailbox's data, say), the rows are fired one transaction each so one mailbox cannot hold back
   * the others; a mailbox failing alone is postponed by FAILED_EVALUATION_RETRY_MS and logged.
   */
  async fireDue(limit: number, clock: () => number = Date.now): Promise<FiredTimer[]> {
    try {
      return await this.db.unitOfWork.run((tx) => this.fireIn(tx, limit, clock()));
    } catch (err) {
      this.logger.warn(`a batch of due presence timers failed, firing them one by one: ${String(err)}`);
      const fired: FiredTimer[] = [];
      for (let n = 0; n < limit; n++) {
        const one = await this.fireOne(clock);
        if (one === null) break;
        if (one !== 'failed') fired.push(one);
      }
      return fired;
    }
  }

  private async fireOne(clock: () => number): Promise<FiredTimer | 'failed' | null> {
    let claimed: string | null = null;
    try {
      const fired = await this.db.unitOfWork.run(async (tx) => {
        const [timer] = await this.fireIn(tx, 1, clock(), (mailbox) => (claimed = mailbox));
        return timer ?? null;
      });
      return fired;
    } catch (err) {
      if (claimed === null) throw err;
      const mailbox: string = claimed;
      this.logger.error(`evaluating ${mailbox}'s presence state failed; trying again in ${FAILED_EVALUATION_RETRY_MS} ms: ${String(err)}`);
      await this.db.unitOfWork.run((tx) => this.timers.reschedule(tx, [{ mailbox, next: new Date(clock() + FAILED_EVALUATION_RETRY_MS) }]));
      return 'failed';
    }
  }

  private async fireIn(tx: Transaction, limit: number, now: number, onClaim?: (mailbox: string) => void): Promise<FiredTimer[]> {
    const due = await this.timers.claimDue(tx, new Date(now), limit);
    if (due.length === 0) return [];
    for (const d of due) onClaim?.(d.mailbox);
    await this.evaluate(
      tx,
      due.map((d) => d.mailbox),
      now,
    );
    return due.map((d) => ({ mailbox: d.mailbox, dueAt: d.dueAt.getTime(), firedAt: now }));
  }

  /** Re-evaluates the (claimed) mailboxes at `now`: publishes what changed and plans each one's next row. */
  private async evaluate(tx: Transaction, mailboxes: readonly string[], now: number): Promise<void> {
    const horizon = now + PLANNING_HORIZON_MS;
    const oofs = await this.oofs.findMany(tx, mailboxes);
    const states = await this.timers.statesOf(tx, mailboxes);
    const items = groupByMailbox(await this.items.findInRangeForMailboxes(tx, mailboxes, new Date(now), new Date(horizon)));
    const later = await this.items.firstRangeStartsFrom(tx, mailboxes, new Date(horizon));
    const plans: { mailbox: string; next: Date | null }[] = [];
    for (const mailbox of mailboxes) {
      const oof = oofs.get(mailbox);
      const settings = oof?.settings ?? DISABLED_OOF_SETTINGS;
      const revision = oof?.revision ?? 0;
      const previous: PresenceSourceState = states.get(mailbox) ?? {
        mailbox,
        oofActive: false,
        oofRevision: 0,
        calendarState: 'free',
        calendarUntil: null,
        sequence: 0,
      };
      const mine = items.get(mailbox) ?? [];
      const intervals = presenceIntervals(mine, now, horizon);
      const next: PresenceSourceState = { ...previous };
      const effectiveAt = new Date(now).toISOString();

      const active = oofActiveAt(settings, now);
      // A new reply while OOF stays on is news too (presence shows it as the note).
      if (active !== previous.oofActive || (active && revision !== previous.oofRevision)) {
        next.sequence++;
        next.oofActive = active;
        next.oofRevision = revision;
        const scheduledEnd = active && settings.state === 'Scheduled' ? settings.endTime : null;
        await tx.publish<OofEffectiveChanged>(Topics.oofEffectiveChanged, mailbox, {
          mailbox,
          active,
          internalReply: settings.internalReply,
          externalReply: settings.externalReply,
          externalAudience: settings.externalAudience,
          until: scheduledEnd ? new Date(scheduledEnd).toISOString() : null,
          revision,
          sequence: next.sequence,
          effectiveAt,
        });
      }

      const calendar = calendarStateAt(intervals, now);
      if (calendar.state !== previous.calendarState || calendar.until !== (previous.calendarUntil?.getTime() ?? null)) {
        next.sequence++;
        next.calendarState = calendar.state;
        next.calendarUntil = calendar.until === null ? null : new Date(calendar.until);
        await tx.publish<CalendarPresenceStateChanged>(Topics.calendarPresenceStateChanged, mailbox, {
          mailbox,
          state: calendar.state,
          until: calendar.until === null ? null : new Date(calendar.until).toISOString(),
          sequence: next.sequence,
          effectiveAt,
        });
      }
      if (next.sequence !== previous.sequence) await this.timers.saveState(tx, next, new Date(now));

      const seriesGoOn = mine.some((item) => item.rangeEnd === null || item.rangeEnd.getTime() > horizon);
      const upcoming = [
        nextOofChangeAfter(settings, now),
        nextBoundaryAfter(intervals, now),
        later.get(mailbox)?.getTime() ?? null,
        seriesGoOn ? horizon : null,
      ].filter((t): t is number => t !== null);
      plans.push({ mailbox, next: upcoming.length === 0 ? null : new Date(Math.min(...upcoming)) });
    }
    await this.timers.reschedule(tx, plans);
  }
}

/** The Busy, Tentative and OOF instances of the items in [from, to) (a cancelled meeting shows nothing). */
function presenceIntervals(items: readonly StoredCalendarItem[], from: number, to: number): PresenceInterval[] {
  const intervals: PresenceInterval[] = [];
  for (const item of items) {
    if (item.isCancelled) continue;
    for (const instance of instancesInWindow(item, from, to, MAX_OCCURRENCES_PER_QUERY).instances) {
      const state = presenceStateOf(instanceStatus(instance).status);
      if (state !== 'free' && instance.end > instance.start) intervals.push({ start: instance.start, end: instance.end, state });
    }
  }
  return intervals;
}

function groupByMailbox(items: readonly StoredCalendarItem[]): Map<string, StoredCalendarItem[]> {
  const byMailbox = new Map<string, StoredCalendarItem[]>();
  for (const item of items) {
    const list = byMailbox.get(item.mailbox);
    if (list) list.push(item);
    else byMailbox.set(item.mailbox, [item]);
  }
  return byMailbox;
}
