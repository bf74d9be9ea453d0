import type { JournaledEvent } from '@parley/ews-gateway/data-access';
import { collapseJournal, removesFromFolder } from './journal-changes';

let seq = 0;
function entry(eventType: JournaledEvent['eventType'], itemId: string, folder: string, oldFolder: string | null = null): JournaledEvent {
  seq += 1;
  return {
    mailbox: 'alice@parley.test',
    seq,
    eventType,
    itemId,
    changeKey: eventType === 'Deleted' ? null : `ck${seq}`,
    folder,
    oldItemId: oldFolder === null ? null : itemId,
    oldFolder,
    occurredAt: new Date(0),
  };
}

describe('collapseJournal', () => {
  it('makes one change per item: new items created, known ones updated or gone', () => {
    const changes = collapseJournal(
      [
        entry('NewMail', 'new', 'inbox'),
        entry('Created', 'new', 'inbox'),
        entry('Modified', 'new', 'inbox'),
        entry('Modified', 'known', 'inbox'),
        entry('Modified', 'known', 'inbox'),
        entry('Deleted', 'gone', 'inbox'),
      ],
      'inbox',
    );
    expect(changes).toEqual([
      { itemId: 'new', wasInFolder: false, inFolderNow: true },
      { itemId: 'known', wasInFolder: true, inFolderNow: true },
      { itemId: 'gone', wasInFolder: true, inFolderNow: false },
    ]);
  });

  it('leaves out an item created and deleted (or moved away) within the range', () => {
    expect(
      collapseJournal(
        [
          entry('Created', 'a', 'inbox'),
          entry('Deleted', 'a', 'inbox'),
          entry('Created', 'b', 'inbox'),
          entry('Moved', 'b', 'junkemail', 'inbox'),
        ],
        'inbox',
      ),
    ).toEqual([]);
  });

  it('reads moves by their old and new folders', () => {
    const changes = collapseJournal(
      [
        entry('Moved', 'in', 'inbox', 'junkemail'),
        entry('Moved', 'out', 'deleteditems', 'inbox'),
        entry('Moved', 'back', 'inbox', 'inbox'),
      ],
      'inbox',
    );
    expect(changes).toEqual([
      { itemId: 'in', wasInFolder: false, inFolderNow: true },
      { itemId: 'out', wasInFolder: true, inFolderNow: false },
      { itemId: 'back', wasInFolder: true, inFolderNow: true },
    ]);
  });

  it('takes an item deleted and restored as still there', () => {
    expect(collapseJournal([entry('Deleted', 'x', 'calendar'), entry('Created', 'x', 'calendar')], 'calendar')).toEqual([
      { itemId: 'x', wasInFolder: true, inFolderNow: true },
    ]);
  });
});

describe('removesFromFolder', () => {
  it('counts deletions from the folder and moves out of it, nothing else', () => {
    expect(removesFromFolder(entry('Deleted', 'a', 'inbox'), 'inbox')).toBe(true);
    expect(removesFromFolder(entry('Moved', 'a', 'junkemail', 'inbox'), 'inbox')).toBe(true);
    expect(removesFromFolder(entry('Moved', 'a', 'inbox', 'junkemail'), 'inbox')).toBe(false);
    expect(removesFromFolder(entry('Deleted', 'a', 'tasks'), 'inbox')).toBe(false);
    expect(removesFromFolder(entry('Modified', 'a', 'inbox'), 'inbox')).toBe(false);
  });
});
