import { CalendarItemChanged, Topics } from '@parley/contracts';
import { schedulePresenceCheck, type StoredCalendarItem } from '@parley/calendar-sync/data-access';
import type { Transaction } from '@parley/persistence';
import { encodeItemId } from './calendar-item-id';
import { itemView } from './calendar-item.mapper';

/**
 * Publishes `calendar.item.changed` for a write in `tx` (through the outbox), keyed by the item's
 * mailbox, and has the due-queue re-evaluate that mailbox's calendar state once the write commits
 * (every calendar write passes here, so a meeting moved, shortened or cancelled takes effect at once).
 */
export async function announceChange(
  tx: Transaction,
  change: CalendarItemChanged['change'],
  item: StoredCalendarItem,
  originalStart: number | null,
): Promise<void> {
  const event: CalendarItemChanged = {
    mailbox: item.mailbox,
    change,
    itemId: encodeItemId(item.mailbox, item.id),
    originalStart: originalStart === null ? null : new Date(originalStart).toISOString(),
    changeKey: change === 'deleted' ? null : item.changeKey,
    revision: item.revision,
    item: change === 'deleted' ? null : itemView(item),
  };
  await tx.publish(Topics.calendarItemChanged, item.mailbox, event);
  await schedulePresenceCheck(tx, item.mailbox, new Date());
}
