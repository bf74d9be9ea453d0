import { Injectable } from '@nestjs/common';
import { OofChanged, PresenceChanged, Topics } from '@parley/contracts';
import { PresenceBridgeDatabase, StoredPresence, UserPresenceRepository } from '@parley/presence-bridge/data-access';
import { aggregatePresence, defaultPresencePolicy, nextPublication, noSources } from '@parley/presence-bridge/presence-engine';
import { PresenceSettingsService } from './presence-settings.service';

/** `unchanged`: applied, but the published view stays the same, so nothing is published. */
export type OofApplication = 'applied' | 'unchanged' | 'duplicate' | 'stale';

@Injectable()
export class PresenceService {
  constructor(
    private readonly db: PresenceBridgeDatabase,
    private readonly presences: UserPresenceRepository,
    private readonly settings: PresenceSettingsService,
  ) {}

  get(mailbox: string): Promise<StoredPresence | null> {
    return this.presences.find(mailbox);
  }

  /**
   * Applies an OOF change from calendar-sync and re-aggregates the user's presence with the engine
   * (OOF adds the marker and note, never forces availability). Each event is applied once; a
   * revision older than the stored one is ignored, so a late redelivery cannot roll the note back.
   * Only a view that differs from the last published one bumps the sequence and is published.
   * Endpoints, calendar and phone states are not fed to presence-bridge yet; the user's own state
   * and note are.
   */
  async applyOof(eventId: string, change: OofChanged, now = new Date()): Promise<OofApplication> {
    const outcome = await this.db.unitOfWork.runOnce('presence-bridge.oof', { id: eventId, type: Topics.oofChanged }, async (tx) => {
      const current = await this.presences.findForUpdate(tx, change.mailbox);
      if (current && current.oofRevision >= change.revision) return 'stale' as const;
      const own = await this.settings.settings(change.mailbox, now);
      const view = aggregatePresence(
        {
          ...noSources,
          oof: { active: change.active, message: change.settings.internalReply },
          userState: own.userState,
          personalNote: own.personalNote,
        },
        now.getTime(),
        defaultPresencePolicy,
      );
      // A row from before the engine has a sequence but no view: any view is then a change.
      const publication = nextPublication(current && { sequence: current.sequence, view: current.published }, view);
      const next: StoredPresence = {
        mailbox: change.mailbox,
        sequence: publication?.sequence ?? current?.sequence ?? 0,
        availability: view.availability,
        activity: view.activity,
        note: own.personalNote,
        oof: view.oof,
        oofNote: change.active ? change.settings.internalReply : null,
        oofRevision: change.revision,
        published: publication ? view : (current?.published ?? null),
      };
      await this.presences.save(tx, next);
      if (!publication) return 'unchanged' as const;
      const published: PresenceChanged = {
        mailbox: next.mailbox,
        sequence: publication.sequence,
        availability: view.availability,
        activity: view.activity,
        note: view.note?.text ?? null,
        oof: view.oof,
      };
      await tx.publish(Topics.presenceChanged, next.mailbox, published);
      return 'applied' as const;
    });
    return outcome.duplicate ? 'duplicate' : outcome.value;
  }
}
