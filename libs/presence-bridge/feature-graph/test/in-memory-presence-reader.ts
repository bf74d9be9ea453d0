import { toMailboxKey } from '@parley/contracts';
import type { DirectoryRepository } from '@parley/directory';
import { PresenceReader, type PresenceSettingsService, type WatchedPresence } from '@parley/presence-bridge/feature-presence';
import {
  aggregatePresence,
  defaultPresencePolicy,
  nextPublication,
  noSources,
  type PresenceSources,
  type PublishedPresence,
  viewFor,
} from '@parley/presence-bridge/presence-engine';

/** The sources the core would learn from events and connected clients: what a spec sets by hand. */
export type AutomaticSources = Partial<Pick<PresenceSources, 'endpoints' | 'calendar' | 'oof' | 'phone'>>;

/**
 * presence-bridge's `PresenceReader` in one process, for the Graph API's specs until the core
 * lands: the same engine rules (`aggregatePresence`), the user's state and note and blocks from the
 * real `PresenceSettingsService` on PostgreSQL, the automatic sources from `setSources`, per-user
 * sequence numbers that grow with each change (`nextPublication`), and `viewFor` for what each
 * watcher may see. Targets that are not enabled directory users are left out, as the port says.
 */
export class InMemoryPresenceReader extends PresenceReader {
  private readonly automatic = new Map<string, AutomaticSources>();
  private readonly published = new Map<string, PublishedPresence>();

  constructor(
    private readonly settings: PresenceSettingsService,
    private readonly directory: DirectoryRepository,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  setSources(mailbox: string, sources: AutomaticSources): void {
    this.automatic.set(toMailboxKey(mailbox), sources);
  }

  reset(): void {
    this.automatic.clear();
    this.published.clear();
  }

  async snapshot(watcher: string, targets: readonly string[]): Promise<Map<string, WatchedPresence>> {
    const known = new Set((await this.directory.findByKeys(targets)).map((u) => u.smtpAddress));
    const viewer = { mailbox: toMailboxKey(watcher) };
    const answer = new Map<string, WatchedPresence>();
    for (const mailbox of new Set(targets.map(toMailboxKey))) {
      if (!known.has(mailbox)) continue;
      const published = await this.current(mailbox);
      const blocked = await this.settings.isBlocked(mailbox, viewer.mailbox);
      answer.set(mailbox, { mailbox, sequence: published.sequence, view: viewFor(viewer, mailbox, published.view, blocked) });
    }
    return answer;
  }

  /** The user's view now, published anew (next sequence) when it changed since the last read. */
  private async current(mailbox: string): Promise<PublishedPresence> {
    const now = this.now();
    const own = await this.settings.settings(mailbox, new Date(now));
    const sources: PresenceSources = {
      ...noSources,
      ...this.automatic.get(mailbox),
      userState: own.userState,
      personalNote: own.personalNote,
    };
    const view = aggregatePresence(sources, now, defaultPresencePolicy);
    const last = this.published.get(mailbox) ?? null;
    const next = nextPublication(last, view);
    if (next) this.published.set(mailbox, next);
    return next ?? (last as PublishedPresence);
  }
}
