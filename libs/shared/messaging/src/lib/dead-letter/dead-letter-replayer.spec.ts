import type { EntityManager } from 'typeorm';
import { DeadLetterReplayer } from './dead-letter-replayer';
import type { DeadLetterRepository, StoredDeadLetter } from './dead-letter.repository';

const letter = (id: string, topic: string): StoredDeadLetter => ({
  id,
  consumerGroup: 'parley.widgets',
  topic,
  key: 'a@x.test',
  envelope: { id: `event-${id}` },
  reason: 'Error: x',
  kind: 'permanent',
  attempts: 1,
  failedAt: new Date(),
  replayRequestedAt: new Date(),
  replayedAt: null,
  outcome: null,
});

/** The repository's replay contract without a database: a queue of requested letters and the outcomes recorded. */
function fakeRepository(waiting: StoredDeadLetter[], newFailures: Record<string, string[]> = {}) {
  const outcomes: Record<string, string> = {};
  const groups: string[] = [];
  const repository = {
    async replayNext(group: string, replay: (l: StoredDeadLetter, m: EntityManager) => Promise<string>) {
      groups.push(group);
      const next = waiting.shift();
      if (!next) return false;
      outcomes[next.id] = await replay(next, {} as EntityManager);
      return true;
    },
    async failuresSinceTransactionStart(_m: EntityManager, l: StoredDeadLetter) {
      return newFailures[l.id] ?? [];
    },
  };
  return { repository: repository as unknown as DeadLetterRepository, outcomes, groups };
}

describe('DeadLetterReplayer', () => {
  it('redelivers each waiting letter of its group and records applied, failed again, or no handler', async () => {
    const { repository, outcomes, groups } = fakeRepository([letter('1', 't.a.v1'), letter('2', 't.a.v1'), letter('3', 't.gone.v1')], {
      '2': ['7'],
    });
    const delivered: unknown[] = [];
    const replayer = new DeadLetterReplayer(
      repository,
      async (topic, _key, envelope) => (topic === 't.a.v1' ? (delivered.push(envelope), true) : false),
      { consumerGroup: 'parley.widgets', pollMs: 60_000 },
    );
    expect(await replayer.replayWaiting()).toBe(3);
    expect(delivered).toEqual([{ id: 'event-1' }, { id: 'event-2' }]);
    expect(outcomes).toEqual({
      '1': 'applied',
      '2': 'failed again: dead letter 7',
      '3': 'not replayed: parley.widgets has no handler for t.gone.v1',
    });
    expect(new Set(groups)).toEqual(new Set(['parley.widgets']));
  });

  it('keeps polling after an error and stops promptly', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const repository = {
      async replayNext() {
        calls++;
        if (calls === 1) throw new Error('connection lost');
        return false;
      },
    } as unknown as DeadLetterRepository;
    const replayer = new DeadLetterReplayer(repository, async () => true, {
      consumerGroup: 'g',
      pollMs: 10,
      onError: (e) => errors.push(e),
    });
    replayer.start();
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await replayer.stop();
    expect(Date.now() - started).toBeLessThan(50);
    expect(errors).toEqual([new Error('connection lost')]);
    expect(calls).toBeGreaterThan(2);
  });
});
