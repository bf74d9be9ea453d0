import { Injectable } from '@nestjs/common';
import { OofChanged, PresenceChanged, Topics } from '@parley/contracts';
import { PresenceBridgeDatabase, StoredPresence, UserPresenceRepository } from '@parley/presence-bridge/data-access';

/** Availability of a user nobody has seen connect yet (MS-PRES: 18000 and up is Offline). */
export const OFFLINE = 18000;

export type OofApplication = 'applied' | 'duplicate' | 'stale';

@Injectable()
export class PresenceService {
  constructor(
    private readonly db: PresenceBridgeDatabase,
    private readonly presences: UserPresenceRepository,
  ) {}

  get(mailbox: string): Promise<StoredPresence | null> {
    return this.presences.find(mailbox);
  }

  /**
   * Applies an OOF change from calendar-sync: OOF adds the out-of-office marker and note (it never
   * forces availability). Each event is applied once; a revision older than the stored one is
   * ignored, so a late redelivery cannot roll the note back. A real change bumps the sequence
   * and is published to watchers.
   */
  async applyOof(eventId: string, change: OofChanged): Promise<OofApplication> {
    const outcome = await this.db.unitOfWork.runOnce('presence-bridge.oof', { id: eventId, type: Topics.oofChanged }, async (tx) => {
      const current = await this.presences.findForUpdate(tx, change.mailbox);
      if (current && current.oofRevision >= change.revision) return 'stale' as const;
      const next: StoredPresence = {
        mailbox: change.mailbox,
        sequence: (current?.sequence ?? 0) + 1,
        availability: current?.availability ?? OFFLINE,
        activity: change.active ? 'out-of-office' : current?.activity === 'out-of-office' ? null : (current?.activity ?? null),
        note: current?.note ?? null,
        oof: change.active,
        oofNote: change.active ? change.settings.internalReply : null,
        oofRevision: change.revision,
      };
      await this.presences.save(tx, next);
      const published: PresenceChanged = {
        mailbox: next.mailbox,
        sequence: next.sequence,
        availability: next.availability,
        activity: next.activity,
        note: next.oof ? next.oofNote : next.note,
        oof: next.oof,
      };
      await tx.publish(Topics.presenceChanged, next.mailbox, published);
      return 'applied' as const;
    });
    return outcome.duplicate ? 'duplicate' : outcome.value;
  }
}
