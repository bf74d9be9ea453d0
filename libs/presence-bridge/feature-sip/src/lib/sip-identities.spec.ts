import type { DirectoryUser } from '@parley/directory';
import { parseUri, type Uri } from '@parley/presence-bridge/sip';
import { SipIdentities } from './sip-identities';

function user(smtpAddress: string, sipUri: string | null): DirectoryUser {
  return { id: smtpAddress, smtpAddress, displayName: smtpAddress, sipUri, phoneExtension: null, roles: [], impersonationScope: null };
}

/** A directory of two users keyed as the real one keys them (sipAddressOf), counting its lookups. */
class CountingDirectory {
  readonly users = new Map<string, DirectoryUser>([
    ['alice@parley.test', user('alice@parley.test', 'sip:alice@parley.test')],
    ['Dave.Smith@voice.parley.test', user('dave@parley.test', 'sip:Dave.Smith@Voice.Parley.Test')],
  ]);
  lookups = 0;
  failNext = false;

  async findBySipAddress(key: string): Promise<DirectoryUser | null> {
    this.lookups += 1;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('directory unreachable');
    }
    return this.users.get(key) ?? null;
  }

  async findByAddress(address: string): Promise<DirectoryUser | null> {
    this.lookups += 1;
    return [...this.users.values()].find((u) => u.smtpAddress === address) ?? null;
  }
}

const uri = (text: string) => parseUri(text) as Uri;

describe('SipIdentities', () => {
  let directory: CountingDirectory;
  let now: number;
  let identities: SipIdentities;
  beforeEach(() => {
    directory = new CountingDirectory();
    now = 1_000_000;
    identities = new SipIdentities(directory, { maxEntries: 3, ttlMs: 10_000, now: () => now });
  });

  it('resolves a URI by the user’s own SIP URI: escapes resolved, host in any case, scheme ignored, user part as is', async () => {
    const dave = { address: 'dave@parley.test', uri: 'sip:Dave.Smith@Voice.Parley.Test' };
    await expect(identities.byUri(uri('sip:Dave.Smith@voice.parley.test'))).resolves.toEqual(dave);
    await expect(identities.byUri(uri('sips:Dave%2eSmith@VOICE.parley.test;transport=tls'))).resolves.toEqual(dave);
    await expect(identities.byUri(uri('sip:dave.smith@voice.parley.test'))).resolves.toBeNull();
    await expect(identities.byUri(uri('sip:dave@parley.test'))).resolves.toBeNull();
    expect(identities.byUri(uri('sip:parley.test'))).toBeUndefined();
  });

  it('remembers lookups, found or not, for the TTL, and shares one in progress', async () => {
    await Promise.all([identities.byUri(uri('sip:alice@parley.test')), identities.byUri(uri('sip:alice@parley.test'))]);
    await identities.byUri(uri('sip:nobody@parley.test'));
    await identities.byUri(uri('sip:nobody@parley.test'));
    expect(directory.lookups).toBe(2);
    now += 10_001;
    directory.users.set('nobody@parley.test', user('nobody@parley.test', null));
    await expect(identities.byUri(uri('sip:nobody@parley.test'))).resolves.toEqual({
      address: 'nobody@parley.test',
      uri: 'sip:nobody@parley.test',
    });
    expect(directory.lookups).toBe(3);
  });

  it('holds at most maxEntries lookups, the oldest going first', async () => {
    for (const name of ['a', 'b', 'c', 'd']) await identities.byUri(uri(`sip:${name}@parley.test`));
    expect(identities.size).toBe(3);
    await identities.byUri(uri('sip:d@parley.test'));
    expect(directory.lookups).toBe(4);
    await identities.byUri(uri('sip:a@parley.test'));
    expect(directory.lookups).toBe(5);
  });

  it('does not remember a failed lookup', async () => {
    directory.failNext = true;
    await expect(identities.byUri(uri('sip:alice@parley.test'))).rejects.toThrow('directory unreachable');
    await expect(identities.byUri(uri('sip:alice@parley.test'))).resolves.toMatchObject({ address: 'alice@parley.test' });
  });

  it('names a user by their SIP URI, and one the directory no longer has by the default URI', async () => {
    await expect(identities.ofAddress('dave@parley.test')).resolves.toEqual({
      address: 'dave@parley.test',
      uri: 'sip:Dave.Smith@Voice.Parley.Test',
    });
    await expect(identities.ofAddress('gone@parley.test')).resolves.toEqual({ address: 'gone@parley.test', uri: 'sip:gone@parley.test' });
  });
});
