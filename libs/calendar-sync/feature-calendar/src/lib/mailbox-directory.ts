/** Which mailboxes exist (free/busy answers MailboxNotFound for the others). */
export abstract class MailboxDirectory {
  abstract exists(mailbox: string): Promise<boolean>;
}

export interface ExistenceCacheOptions {
  /** How long an answer is reused. */
  readonly ttlMs: number;
  /** Most mailboxes remembered; the oldest answer is dropped first. */
  readonly maxEntries: number;
  readonly now?: () => number;
}

export const EXISTENCE_CACHE_DEFAULTS: ExistenceCacheOptions = { ttlMs: 30_000, maxEntries: 50_000 };

/**
 * Remembers that a mailbox exists for a short while. Free/busy asks about the same mailboxes over
 * and over (every attendee list, every scheduling-assistant refresh), and a mailbox removed from
 * the directory seconds late does no harm there, whereas a directory query per mailbox per
 * request was a third of the cost of a one-mailbox query. "No such mailbox" is never remembered:
 * a user just added must be usable at once.
 */
export function cachedMailboxDirectory(
  lookup: (mailbox: string) => Promise<boolean>,
  options: ExistenceCacheOptions = EXISTENCE_CACHE_DEFAULTS,
): MailboxDirectory {
  const now = options.now ?? Date.now;
  const answers = new Map<string, { exists: boolean; until: number }>();
  return {
    async exists(mailbox: string): Promise<boolean> {
      const cached = answers.get(mailbox);
      if (cached !== undefined && cached.until > now()) return cached.exists;
      const exists = await lookup(mailbox);
      answers.delete(mailbox);
      if (!exists) return false;
      answers.set(mailbox, { exists, until: now() + options.ttlMs });
      // Maps iterate in insertion order, so the first key is the oldest answer.
      if (answers.size > options.maxEntries) answers.delete(answers.keys().next().value as string);
      return exists;
    },
  };
}
