import { cachedMailboxDirectory } from './mailbox-directory';

describe('cachedMailboxDirectory', () => {
  it('asks the directory once per existing mailbox within the time to live, then again; never remembers a missing one', async () => {
    let clock = 0;
    const asked: string[] = [];
    const directory = cachedMailboxDirectory(
      async (mailbox) => {
        asked.push(mailbox);
        return mailbox === 'alice@parley.test';
      },
      { ttlMs: 1_000, maxEntries: 10, now: () => clock },
    );
    expect(await directory.exists('alice@parley.test')).toBe(true);
    expect(await directory.exists('nobody@parley.test')).toBe(false);
    expect(await directory.exists('alice@parley.test')).toBe(true);
    expect(await directory.exists('nobody@parley.test')).toBe(false);
    expect(asked).toEqual(['alice@parley.test', 'nobody@parley.test', 'nobody@parley.test']);
    clock = 1_000;
    expect(await directory.exists('alice@parley.test')).toBe(true);
    expect(asked).toEqual(['alice@parley.test', 'nobody@parley.test', 'nobody@parley.test', 'alice@parley.test']);
  });

  it('keeps at most maxEntries answers, dropping the oldest', async () => {
    const asked: string[] = [];
    const directory = cachedMailboxDirectory(
      async (mailbox) => {
        asked.push(mailbox);
        return true;
      },
      { ttlMs: 60_000, maxEntries: 2 },
    );
    for (const m of ['a@x.test', 'b@x.test', 'c@x.test', 'c@x.test', 'b@x.test', 'a@x.test']) await directory.exists(m);
    expect(asked).toEqual(['a@x.test', 'b@x.test', 'c@x.test', 'a@x.test']);
  });

  it('does not remember a failed lookup', async () => {
    let fail = true;
    const directory = cachedMailboxDirectory(async () => {
      if (fail) throw new Error('directory down');
      return true;
    });
    await expect(directory.exists('a@x.test')).rejects.toThrow('directory down');
    fail = false;
    expect(await directory.exists('a@x.test')).toBe(true);
  });
});
