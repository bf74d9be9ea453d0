import { Injectable } from '@nestjs/common';
import { mailboxKey } from '@parley/contracts';
import { DirectoryRepository } from '@parley/directory';
import { UserPresenceRepository } from '@parley/presence-bridge/data-access';
import { aggregatePresence, noSources, PresenceView, viewFor } from '@parley/presence-bridge/presence-engine';
import { PresenceCoreErrorCode, PresenceCoreException } from './presence-core.exception';
import { PresenceCoreLimits, PresenceCoreOptions } from './presence-core.options';
import { PresenceReader, WatchedPresence } from './presence-ports';

/**
 * PresenceReader over the stored published views: what every replica published last, read in one
 * query for the whole batch together with the watcher's blocks (plus one for the directory). A
 * directory user who was never published is Offline with sequence 0; addresses that are not
 * directory users are left out. A user who blocked the watcher is Offline under the sequence of the
 * publication that carried the block, however often the user changed since: the same answer, poll
 * after poll, as a user who went offline then (PresenceFanout hands such a watcher nothing later either).
 */
@Injectable()
export class PresenceSnapshotReader extends PresenceReader {
  private readonly neverPublished: PresenceView;

  constructor(
    private readonly directory: DirectoryRepository,
    private readonly presences: UserPresenceRepository,
    options: PresenceCoreOptions,
  ) {
    super();
    this.neverPublished = aggregatePresence(noSources, 0, options.policy);
  }

  async snapshot(watcher: string, targets: readonly string[]): Promise<Map<string, WatchedPresence>> {
    const parsedWatcher = mailboxKey.safeParse(watcher);
    if (!parsedWatcher.success)
      throw new PresenceCoreException(PresenceCoreErrorCode.InvalidAddress, `"${watcher}" is not an SMTP address`);
    const me = parsedWatcher.data;
    if (targets.length > PresenceCoreLimits.snapshotTargets) {
      throw new PresenceCoreException(PresenceCoreErrorCode.TooManyTargets, `at most ${PresenceCoreLimits.snapshotTargets} users at once`);
    }
    const wanted = [
      ...new Set(
        targets.flatMap((t) => {
          const parsed = mailboxKey.safeParse(t);
          return parsed.success ? [parsed.data] : [];
        }),
      ),
    ];
    const users = [...(await this.directory.enabledAmong(wanted))];
    const result = new Map<string, WatchedPresence>();
    if (users.length === 0) return result;
    const byMailbox = new Map((await this.presences.publishedFor(me, users)).map((row) => [row.mailbox, row]));
    for (const user of users) {
      const row = byMailbox.get(user);
      const blockedSince = row?.blockedSince ?? null;
      const view = row?.view ?? this.neverPublished;
      result.set(user, {
        mailbox: user,
        sequence: blockedSince ?? (row?.view ? row.sequence : 0),
        view: viewFor({ mailbox: me }, user, view, blockedSince !== null),
      });
    }
    return result;
  }
}
