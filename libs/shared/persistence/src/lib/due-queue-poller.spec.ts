import { DueQueue, DueQueuePoller } from './due-queue-poller';

/** A due-queue in memory: rows are due instants; firing removes the due ones. */
class MemoryQueue implements DueQueue {
  rows: number[] = [];
  readonly fired: number[] = [];
  batches = 0;

  async fireDue(limit: number): Promise<number> {
    this.batches++;
    const now = Date.now();
    const due = this.rows.filter((t) => t <= now).slice(0, limit);
    this.rows = this.rows.filter((t) => !due.includes(t));
    this.fired.push(...due);
    return due.length;
  }

  async nextDueAt(): Promise<Date | null> {
    return this.rows.length === 0 ? null : new Date(Math.min(...this.rows));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('DueQueuePoller', () => {
  let poller: DueQueuePoller | undefined;
  afterEach(async () => {
    await poller?.stop();
  });

  it('fires full batches back to back until the queue is drained', async () => {
    const queue = new MemoryQueue();
    queue.rows = Array.from({ length: 25 }, (_, i) => Date.now() - 1_000 + i);
    poller = new DueQueuePoller(queue, { pollMaxMs: 10_000, batchSize: 10, onError: () => undefined });
    poller.start();
    await sleep(50);
    expect(queue.fired).toHaveLength(25);
    expect(queue.batches).toBe(3);
  });

  it('sleeps until the earliest row, and wakes earlier for a row planned meanwhile without a query', async () => {
    const queue = new MemoryQueue();
    poller = new DueQueuePoller(queue, { pollMaxMs: 5_000, batchSize: 10, onError: () => undefined });
    poller.start();
    await sleep(20);
    const batches = queue.batches;
    const planned = Date.now() + 100;
    queue.rows.push(planned);
    poller.plannedAt(new Date(planned));
    expect(queue.batches).toBe(batches);
    await sleep(250);
    expect(queue.fired).toEqual([planned]);
  });

  it('reports a failed look and tries again after the poll interval', async () => {
    const queue = new MemoryQueue();
    let failures = 1;
    const errors: number[] = [];
    queue.fireDue = async (limit) => {
      if (failures-- > 0) throw new Error('database down');
      return MemoryQueue.prototype.fireDue.call(queue, limit);
    };
    queue.rows = [Date.now() - 1];
    poller = new DueQueuePoller(queue, { pollMaxMs: 50, batchSize: 10, onError: (_e, retryInMs) => errors.push(retryInMs) });
    poller.start();
    await sleep(200);
    expect(errors).toEqual([50]);
    expect(queue.fired).toHaveLength(1);
  });
});
