import { InProcessBroker, InProcessEndpoint } from './in-process-broker';

/** An endpoint whose handler is a plain function, to observe the broker's delivery semantics. */
function endpoint(
  handle: (topic: string, data: unknown, kind: 'event' | 'request') => Promise<unknown>,
  topics = ['t.a.v1', 't.b.request.v1'],
): InProcessEndpoint {
  return { deliver: handle, hasHandler: (t) => topics.includes(t) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('InProcessBroker', () => {
  it('holds messages until the endpoint attaches, and refuses them once it has detached (the app is closing)', async () => {
    const broker = new InProcessBroker();
    const seen: unknown[] = [];
    const ep = endpoint(async (_t, data) => void seen.push(data));
    const early = broker.publish('t.a.v1', 'k', 1);
    broker.attach(ep);
    await early;
    expect(seen).toEqual([1]);
    broker.detach(ep);
    await expect(broker.publish('t.a.v1', 'k', 2)).rejects.toThrow(/closed/);
    broker.attach(ep);
    await broker.publish('t.a.v1', 'k', 3);
    expect(seen).toEqual([1, 3]);
  });

  it('keeps per-key order while different keys run concurrently', async () => {
    const broker = new InProcessBroker();
    const seen: string[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    broker.attach(
      endpoint(async (_t, data) => {
        const { key, n } = data as { key: string; n: number };
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await sleep(n % 3); // uneven handler times would reorder a naive bus
        seen.push(`${key}:${n}`);
        concurrent--;
      }),
    );
    const work: Promise<void>[] = [];
    for (let n = 0; n < 30; n++) for (const key of ['alice', 'bob']) work.push(broker.publish('t.a.v1', key, { key, n }));
    await Promise.all(work);
    for (const key of ['alice', 'bob']) {
      expect(seen.filter((s) => s.startsWith(key)).map((s) => Number(s.split(':')[1]))).toEqual([...Array(30).keys()]);
    }
    expect(maxConcurrent).toBe(2);
  });

  it('retries a failing handler until it succeeds before the next message of that key', async () => {
    const broker = new InProcessBroker({ maxBackoffMs: 5 });
    const attempts: number[] = [];
    let failuresLeft = 3;
    broker.attach(
      endpoint(async (_t, data) => {
        const { n } = data as { n: number };
        attempts.push(n);
        if (n === 1 && failuresLeft-- > 0) throw new Error('database unavailable');
      }),
    );
    await Promise.all([broker.publish('t.a.v1', 'k', { n: 1 }), broker.publish('t.a.v1', 'k', { n: 2 })]);
    expect(attempts).toEqual([1, 1, 1, 1, 2]);
  });

  it('holds messages published before an endpoint attaches', async () => {
    const broker = new InProcessBroker();
    const delivered: unknown[] = [];
    const pending = broker.publish('t.a.v1', 'k', { early: true });
    await sleep(5);
    expect(delivered).toEqual([]);
    broker.attach(endpoint(async (_t, data) => void delivered.push(data)));
    await pending;
    expect(delivered).toEqual([{ early: true }]);
  });

  it('answers requests and refuses topics nobody handles', async () => {
    const broker = new InProcessBroker();
    broker.attach(endpoint(async (_t, data) => ({ echoed: data })));
    await expect(broker.request('t.b.request.v1', 'k', { x: 1 })).resolves.toEqual({ echoed: { x: 1 } });
    await expect(broker.request('t.none.request.v1', 'k', {})).rejects.toThrow(/no handler/);
    await expect(broker.publish('t.none.v1', 'k', {})).resolves.toBeUndefined();
  });

  it('hands handlers a wire copy, never the publisher’s object', async () => {
    const broker = new InProcessBroker();
    let received: unknown;
    broker.attach(endpoint(async (_t, data) => void (received = data)));
    const original = { when: new Date('2026-11-23T10:00:00Z'), nested: { a: 1 } };
    await broker.publish('t.a.v1', 'k', original);
    expect(received).toEqual({ when: '2026-11-23T10:00:00.000Z', nested: { a: 1 } });
    expect((received as { nested: unknown }).nested).not.toBe(original.nested);
  });
});
