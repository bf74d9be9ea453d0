import type { JournaledEvent } from '@parley/ews-gateway/data-access';

/**
 * What the journal says of one item between two sync states: whether it was in the synced folder
 * at the older state and whether it is there after its last journaled change. The item's current
 * properties are not here: the sync reads them from the owner.
 */
export interface JournalItemChange {
  readonly itemId: string;
  readonly wasInFolder: boolean;
  readonly inFolderNow: boolean;
}

/**
 * Collapses journal entries (in sequence order) to one change per item, in the order of each
 * item's first entry. An item created (or moved in) and gone again within the range is left out;
 * NewMail is the Created entry's twin and adds nothing.
 */
export function collapseJournal(events: readonly JournaledEvent[], folder: string): JournalItemChange[] {
  const byItem = new Map<string, { wasInFolder: boolean; inFolderNow: boolean }>();
  for (const event of events) {
    if (event.eventType === 'NewMail') continue;
    const known = byItem.get(event.itemId);
    const inFolderNow = event.eventType !== 'Deleted' && event.folder === folder;
    if (known) known.inFolderNow = inFolderNow;
    else byItem.set(event.itemId, { wasInFolder: wasInFolderBefore(event, folder), inFolderNow });
  }
  return [...byItem].filter(([, change]) => change.wasInFolder || change.inFolderNow).map(([itemId, change]) => ({ itemId, ...change }));
}

/** Where the item was before its first entry of the range: new items nowhere, a moved one in its old folder, others where they are. */
function wasInFolderBefore(event: JournaledEvent, folder: string): boolean {
  switch (event.eventType) {
    case 'Created':
    case 'Copied':
    case 'NewMail':
      return false;
    case 'Moved':
      return event.oldFolder === folder;
    case 'Modified':
    case 'Deleted':
      return event.folder === folder;
  }
}

/** Whether an entry takes an item out of `folder` (a deletion, or a move elsewhere): how the initial listing's offset moves back. */
export function removesFromFolder(event: JournaledEvent, folder: string): boolean {
  if (event.eventType === 'Deleted') return event.folder === folder;
  return event.eventType === 'Moved' && event.oldFolder === folder && event.folder !== folder;
}
