import { type OofEffectiveChanged, Topics } from '@parley/contracts';
import type { OofReplyRepository, VoicemailIngestDatabase } from '@parley/voicemail-ingest/data-access';

export type OofStateApplication = 'applied' | 'stale' | 'duplicate';

/** Keeps voicemail-ingest's OOF read model (`oof_reply_state`) from calendar-sync's effective OOF state, once per event. */
export class OofStateService {
  constructor(
    private readonly db: VoicemailIngestDatabase,
    private readonly replies: OofReplyRepository,
  ) {}

  async apply(eventId: string, event: OofEffectiveChanged, now = new Date()): Promise<OofStateApplication> {
    const outcome = await this.db.unitOfWork.runOnce(
      'voicemail-ingest.oof-state',
      { id: eventId, type: Topics.oofEffectiveChanged },
      (tx) =>
        this.replies.apply(
          tx,
          {
            mailbox: event.mailbox,
            active: event.active,
            internalReply: event.internalReply,
            externalReply: event.externalReply,
            externalAudience: event.externalAudience,
            until: event.until === null ? null : new Date(event.until),
            settingsRevision: event.revision,
            sequence: event.sequence,
          },
          now,
        ),
    );
    if (outcome.duplicate) return 'duplicate';
    return outcome.value ? 'applied' : 'stale';
  }
}
