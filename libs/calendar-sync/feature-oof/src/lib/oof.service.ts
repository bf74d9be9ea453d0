import { Injectable } from '@nestjs/common';
import { oofActiveAt, OofSettings, OofView, Topics, unsetOofView } from '@parley/contracts';
import { CalendarSyncDatabase, OofSettingsRepository, schedulePresenceCheck, StoredOof } from '@parley/calendar-sync/data-access';

/** Whether settings put a mailbox out of office at `now`. */
export function isOofActive(settings: OofSettings, now: Date): boolean {
  return oofActiveAt(settings, now.getTime());
}

/** Owns each mailbox's OOF settings and announces every change. */
@Injectable()
export class OofService {
  constructor(
    private readonly db: CalendarSyncDatabase,
    private readonly oofs: OofSettingsRepository,
  ) {}

  async get(mailbox: string): Promise<OofView> {
    const stored = await this.oofs.find(mailbox);
    return stored ?? unsetOofView(mailbox);
  }

  /**
   * Stores new settings and publishes `calendar.oof.changed` in the same transaction (`active` there is
   * the state at save time; the due-queue announces later switches on `calendar.oof.effective-changed`). Applied once
   * per command id: a retried command (lost reply, redelivery) answers with the current state.
   */
  async set(commandId: string, mailbox: string, settings: OofSettings, now = new Date()): Promise<OofView> {
    const outcome = await this.db.unitOfWork.runOnce('calendar-sync.oof-set', { id: commandId, type: Topics.oofSetRequest }, async (tx) => {
      const current = await this.oofs.findForUpdate(tx, mailbox);
      const next: StoredOof = { mailbox, settings, active: isOofActive(settings, now), revision: (current?.revision ?? 0) + 1 };
      await this.oofs.save(tx, next);
      await tx.publish(Topics.oofChanged, mailbox, next);
      // The due-queue re-plans the mailbox's Scheduled window and tells presence if "now" changed.
      await schedulePresenceCheck(tx, mailbox, now);
      return next;
    });
    return outcome.duplicate ? this.get(mailbox) : outcome.value;
  }
}
