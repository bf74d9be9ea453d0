import { z } from 'zod';
import { mailboxKey } from './envelope';

/**
 * MoveItem between the folders calendar-sync owns. An item only ever moves between its own folder
 * (Calendar for calendar items, Tasks for tasks) and Deleted Items: moving it to Deleted Items is
 * DeleteItem's MoveToDeletedItems, moving it back restores it. An item already in the target
 * folder is answered as it is (a no-op, not a removal as a second MoveToDeletedItems would be).
 * The item keeps its id; its change key and revision change with every real move.
 */
export const moveCalendarItemRequestSchema = z.object({
  mailbox: mailboxKey,
  /** A single item or series master id: an occurrence cannot move on its own. */
  itemId: z.string().min(1).max(200),
  to: z.enum(['calendar', 'deleteditems']),
});
export type MoveCalendarItemRequest = z.infer<typeof moveCalendarItemRequestSchema>;

export const moveTaskRequestSchema = z.object({
  mailbox: mailboxKey,
  itemId: z.string().min(1).max(200),
  to: z.enum(['tasks', 'deleteditems']),
});
export type MoveTaskRequest = z.infer<typeof moveTaskRequestSchema>;
