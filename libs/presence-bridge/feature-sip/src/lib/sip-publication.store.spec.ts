import { newEntityTag, SipPublicationStore } from './sip-publication.store';

describe('SipPublicationStore', () => {
  let now: number;
  let tags: number;
  const store = (limits: { maxPerUser?: number; maxTotal?: number } = {}) =>
    new SipPublicationStore<string>({
      maxPerUser: limits.maxPerUser ?? 4,
      maxTotal: limits.maxTotal ?? 100,
      now: () => now,
      newEntityTag: () => `tag-${(tags += 1)}`,
    });

  beforeEach(() => {
    now = 1_000_000;
    tags = 0;
  });

  it('creates a publication under a new tag that matches only for its own address of record, until it expires', () => {
    const publications = store();
    const created = publications.create('alice@parley.test', 60, 'busy');
    if (created.kind !== 'ok') throw new Error('refused');
    const { publication } = created;
    expect(publication).toMatchObject({ aor: 'alice@parley.test', entityTag: 'tag-1', createdAt: now, expiresAt: now + 60_000 });
    expect(publications.find('alice@parley.test', 'tag-1')).toBe(publication);
    expect(publications.find('bob@parley.test', 'tag-1')).toBeUndefined();
    expect(publications.find('alice@parley.test', 'tag-2')).toBeUndefined();
    now += 59_999;
    expect(publications.find('alice@parley.test', 'tag-1')).toBe(publication);
    now += 1;
    expect(publications.find('alice@parley.test', 'tag-1')).toBeUndefined();
    expect(publications.publicationsOf('alice@parley.test')).toEqual([]);
  });

  it('refreshes under a new tag from now, the old tag no longer matching, and keeps the value and creation time', () => {
    const publications = store();
    const created = publications.create('alice@parley.test', 60, 'busy');
    if (created.kind !== 'ok') throw new Error('refused');
    now += 50_000;
    const refreshed = publications.refresh(created.publication, 120);
    expect(refreshed).toMatchObject({ entityTag: 'tag-2', createdAt: 1_000_000, expiresAt: now + 120_000, value: 'busy' });
    expect(publications.find('alice@parley.test', 'tag-1')).toBeUndefined();
    expect(publications.find('alice@parley.test', 'tag-2')).toBe(refreshed);
    now += 100_000;
    expect(publications.find('alice@parley.test', 'tag-2')).toBe(refreshed);
    // The publication as it was before the refresh is gone: removing it through that reference changes nothing.
    publications.remove(created.publication);
    expect(publications.find('alice@parley.test', 'tag-2')).toBe(refreshed);
    expect(publications.size).toBe(1);
  });

  it('removes a publication, and a second removal or a stale reference changes nothing', () => {
    const publications = store();
    const first = publications.create('alice@parley.test', 60, 'a');
    const second = publications.create('alice@parley.test', 60, 'b');
    if (first.kind !== 'ok' || second.kind !== 'ok') throw new Error('refused');
    publications.remove(first.publication);
    publications.remove(first.publication);
    expect(publications.publicationsOf('alice@parley.test').map((p) => p.value)).toEqual(['b']);
    expect(() => publications.refresh(first.publication, 60)).toThrow();
    expect(publications.size).toBe(1);
  });

  it('sweeps the expired publications out and returns them', () => {
    const publications = store();
    publications.create('alice@parley.test', 10, 'short');
    publications.create('bob@parley.test', 60, 'long');
    now += 10_000;
    const swept = publications.sweep();
    expect(swept.map((p) => p.value)).toEqual(['short']);
    expect(publications.size).toBe(1);
    expect(publications.sweep()).toEqual([]);
    expect(publications.publicationsOf('bob@parley.test').map((p) => p.value)).toEqual(['long']);
  });

  it("replaces a user's oldest publication past the per-user limit and returns it, and their expired ones", () => {
    const publications = store({ maxPerUser: 2 });
    publications.create('alice@parley.test', 10, 'expires');
    now += 1;
    publications.create('alice@parley.test', 60, 'oldest');
    now += 10_000;
    const third = publications.create('alice@parley.test', 60, 'newer');
    if (third.kind !== 'ok') throw new Error('refused');
    expect(third.evicted.map((p) => p.value)).toEqual(['expires']);
    now += 1;
    const fourth = publications.create('alice@parley.test', 60, 'newest');
    if (fourth.kind !== 'ok') throw new Error('refused');
    expect(fourth.evicted.map((p) => p.value)).toEqual(['oldest']);
    expect(publications.publicationsOf('alice@parley.test').map((p) => p.value)).toEqual(['newer', 'newest']);
    expect(publications.find('alice@parley.test', 'tag-2')).toBeUndefined();
  });

  it('refuses a new publication when the replica holds its maximum, unless expired ones make room', () => {
    const publications = store({ maxTotal: 2 });
    publications.create('alice@parley.test', 10, 'a');
    publications.create('bob@parley.test', 60, 'b');
    expect(publications.create('carol@parley.test', 60, 'c')).toEqual({ kind: 'full' });
    expect(publications.size).toBe(2);
    now += 10_000;
    expect(publications.create('carol@parley.test', 60, 'c').kind).toBe('ok');
    expect(publications.size).toBe(2);
  });

  it('draws another tag when the generator repeats one that is in use', () => {
    const sequence = ['same', 'same', 'other'];
    const publications = new SipPublicationStore<string>({
      maxPerUser: 4,
      maxTotal: 10,
      now: () => now,
      newEntityTag: () => sequence.shift() ?? 'spare',
    });
    publications.create('alice@parley.test', 60, 'a');
    const second = publications.create('alice@parley.test', 60, 'b');
    expect(second.kind === 'ok' && second.publication.entityTag).toBe('other');
  });

  it('issues random tags that are SIP tokens', () => {
    const drawn = new Set(Array.from({ length: 1000 }, () => newEntityTag()));
    expect(drawn.size).toBe(1000);
    for (const tag of drawn) expect(tag).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
});
