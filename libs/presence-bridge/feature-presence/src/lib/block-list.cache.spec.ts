import { BlockListCache } from './block-list.cache';

describe('BlockListCache', () => {
  const loader = (lists: Record<string, string[]>) => {
    const calls: string[] = [];
    const load = async (owner: string) => {
      calls.push(owner);
      return lists[owner] ?? [];
    };
    return { calls, load };
  };

  it('reads an owner once per version, and again when a change carries a newer one', async () => {
    const lists = { 'anna@x.test': ['eve@x.test'] };
    const { calls, load } = loader(lists);
    const cache = new BlockListCache(load);
    expect([...(await cache.get('anna@x.test', 0))]).toEqual(['eve@x.test']);
    await cache.get('anna@x.test', 0);
    lists['anna@x.test'] = [];
    // An older version (a late change) is served from the copy read under a newer one.
    expect([...(await cache.get('anna@x.test', 0))]).toEqual(['eve@x.test']);
    expect([...(await cache.get('anna@x.test', 1))]).toEqual([]);
    await cache.get('anna@x.test', 1);
    expect(calls).toEqual(['anna@x.test', 'anna@x.test']);
  });

  it('shares one read between concurrent requests and does not keep a failed read', async () => {
    let fail = true;
    const calls: string[] = [];
    const cache = new BlockListCache(async (owner) => {
      calls.push(owner);
      if (fail) throw new Error('database down');
      return ['eve@x.test'];
    });
    const both = await Promise.allSettled([cache.get('anna@x.test', 3), cache.get('anna@x.test', 3)]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toHaveLength(1);
    fail = false;
    expect([...(await cache.get('anna@x.test', 3))]).toEqual(['eve@x.test']);
    expect(calls).toHaveLength(2);
  });

  it('forgets an owner nobody here watches any more', async () => {
    const { calls, load } = loader({});
    const cache = new BlockListCache(load);
    await cache.get('anna@x.test', 0);
    cache.forget('anna@x.test');
    expect(cache.size).toBe(0);
    await cache.get('anna@x.test', 0);
    expect(calls).toHaveLength(2);
  });
});
