import { CachedMailboxRecipients, RECIPIENT_CACHE_MS } from './mailbox-recipients';

describe('CachedMailboxRecipients', () => {
  let now = 0;
  const directory = new Map<string, string>([['alice@parley.test', 'alice@parley.test']]);
  let lookups = 0;
  const recipients = () =>
    new CachedMailboxRecipients(
      async (address) => {
        lookups++;
        return directory.get(address) ?? null;
      },
      () => now,
    );

  beforeEach(() => {
    now = 1_000_000;
    lookups = 0;
  });

  it('asks the directory once for the RCPT and DATA of one transaction', async () => {
    const cached = recipients();
    expect(await cached.mailboxOf('alice@parley.test')).toBe('alice@parley.test');
    now += 200;
    expect(await cached.mailboxOf('alice@parley.test')).toBe('alice@parley.test');
    expect(lookups).toBe(1);
  });

  it('asks again once the entry is older than RECIPIENT_CACHE_MS, so a removed user stops receiving', async () => {
    const cached = recipients();
    await cached.mailboxOf('alice@parley.test');
    directory.delete('alice@parley.test');
    now += RECIPIENT_CACHE_MS;
    expect(await cached.mailboxOf('alice@parley.test')).toBeNull();
    directory.set('alice@parley.test', 'alice@parley.test');
  });

  it('never remembers a miss: a user added a moment later is found at once', async () => {
    const cached = recipients();
    expect(await cached.mailboxOf('bob@parley.test')).toBeNull();
    directory.set('bob@parley.test', 'bob@parley.test');
    expect(await cached.mailboxOf('bob@parley.test')).toBe('bob@parley.test');
    expect(lookups).toBe(2);
  });
});
