import { WatchIndex } from './watch-index';

describe('WatchIndex', () => {
  it('finds the subscriptions of a target, and nothing for a target nobody watches', () => {
    const index = new WatchIndex<string>();
    index.add('bob@x.test', 'anna@x.test', 'l1');
    index.add('carl@x.test', 'anna@x.test', 'l2');
    index.add('anna@x.test', 'bob@x.test', 'l3');
    expect(index.subscriptionsOf('anna@x.test')?.map((s) => [s.watcher, s.listener])).toEqual([
      ['bob@x.test', 'l1'],
      ['carl@x.test', 'l2'],
    ]);
    expect(index.subscriptionsOf('dora@x.test')).toBeUndefined();
    expect(index.isWatched('dora@x.test')).toBe(false);
    expect([index.size, index.watchedTargets]).toEqual([3, 2]);
  });

  it('keeps one watcher watching the same target twice as two subscriptions, each removed on its own', () => {
    const index = new WatchIndex<string>();
    const first = index.add('bob@x.test', 'anna@x.test', 'tab 1');
    index.add('bob@x.test', 'anna@x.test', 'tab 2');
    first();
    expect(index.subscriptionsOf('anna@x.test')?.map((s) => s.listener)).toEqual(['tab 2']);
  });

  it('drops a target with its last subscription and says so once; removing twice changes nothing', () => {
    const unwatched: string[] = [];
    const index = new WatchIndex<string>((target) => unwatched.push(target));
    const a = index.add('bob@x.test', 'anna@x.test', 'l1');
    const b = index.add('carl@x.test', 'anna@x.test', 'l2');
    a();
    a();
    expect(unwatched).toEqual([]);
    b();
    b();
    expect(unwatched).toEqual(['anna@x.test']);
    expect([index.size, index.watchedTargets, index.isWatched('anna@x.test')]).toEqual([0, 0, false]);
  });

  it('hands out a copy, so a listener may unsubscribe while the subscriptions are walked', () => {
    const index = new WatchIndex<() => void>();
    const stops: (() => void)[] = [];
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) stops.push(index.add(`w${i}@x.test`, 'anna@x.test', () => (seen.push(i), stops[i]())));
    for (const s of index.subscriptionsOf('anna@x.test') ?? []) s.listener();
    expect(seen).toEqual([0, 1, 2]);
    expect(index.isWatched('anna@x.test')).toBe(false);
  });
});
