import { HIERARCHY_REVISION, SyncStates } from './sync-state';

describe('SyncStates', () => {
  const states = new SyncStates({ idSecret: 'test-secret-for-sync-states' });
  const mailbox = 'alice@parley.test';

  it('reads back an item state during the listing and after it', () => {
    const listing = { folder: 'inbox' as const, journalSeq: 41, enumeration: { offset: 7, removalsSeenSeq: 44 } };
    expect(states.decodeItems(mailbox, states.encodeItems(mailbox, listing))).toEqual(listing);
    const caughtUp = { folder: 'calendar' as const, journalSeq: 2 ** 40 };
    expect(states.decodeItems(mailbox, states.encodeItems(mailbox, caughtUp))).toEqual(caughtUp);
  });

  it('refuses a state with any byte changed, cut short, made for another mailbox or under another secret', () => {
    const encoded = states.encodeItems(mailbox, { folder: 'tasks', journalSeq: 12 });
    const bytes = Buffer.from(encoded, 'base64');
    for (let i = 0; i < bytes.length; i++) {
      const tampered = Buffer.from(bytes);
      tampered[i] ^= 0x01;
      expect(states.decodeItems(mailbox, tampered.toString('base64'))).toBeUndefined();
    }
    expect(states.decodeItems(mailbox, bytes.subarray(0, bytes.length - 1).toString('base64'))).toBeUndefined();
    expect(states.decodeItems('bob@parley.test', encoded)).toBeUndefined();
    expect(new SyncStates({ idSecret: 'another-secret' }).decodeItems(mailbox, encoded)).toBeUndefined();
    expect(states.decodeItems(mailbox, 'not base64!')).toBeUndefined();
    expect(states.decodeItems(mailbox, '')).toBeUndefined();
  });

  it('keeps item and hierarchy states apart', () => {
    const hierarchy = states.encodeHierarchy(mailbox, { root: 'msgfolderroot', revision: HIERARCHY_REVISION });
    expect(states.decodeHierarchy(mailbox, hierarchy)).toEqual({ root: 'msgfolderroot', revision: HIERARCHY_REVISION });
    expect(states.decodeItems(mailbox, hierarchy)).toBeUndefined();
    expect(states.decodeHierarchy(mailbox, states.encodeItems(mailbox, { folder: 'inbox', journalSeq: 1 }))).toBeUndefined();
  });
});
