import { z } from 'zod';
import { mailboxKey } from './envelope';

/**
 * Folder counts calendar-sync owns: how many items one mailbox's Calendar and Tasks folders hold,
 * as the gateway writes them in GetFolder / FindFolder (`TotalCount`). One query answers both, so
 * a folder listing costs one round trip. A recurring series counts once (its master), as Exchange
 * counts the items in a folder, not the occurrences a calendar view expands; an exception to a
 * series is part of its master, not an item of its own. A mailbox without items (or unknown to
 * calendar-sync) has zero of each. Items DeleteItem moved to Deleted Items count there, not in
 * their own folder.
 */
export const getFolderCountsRequestSchema = z.object({ mailbox: mailboxKey });
export type GetFolderCountsRequest = z.infer<typeof getFolderCountsRequestSchema>;

export const folderCountsReplySchema = z.object({
  /** Single items and series masters in the Calendar folder. */
  calendarItems: z.number().int().min(0),
  /** Tasks in the Tasks folder. */
  tasks: z.number().int().min(0),
  /**
   * Calendar items (series once) and tasks in Deleted Items. Optional: a calendar-sync from before
   * Deleted Items did not send it (readers take a missing one as 0).
   */
  deletedItems: z.number().int().min(0).optional(),
});
export type FolderCountsReply = z.infer<typeof folderCountsReplySchema>;
