import { Topics } from '@parley/contracts';
import type { Consumer, EachMessagePayload } from 'kafkajs';
import { MAX_CONCURRENT_QUERIES, ParleyServerKafka } from './kafka.adapters';

/** A server whose handling of each message waits until the test releases it. */
function serverWithHeldHandlers() {
  const server = new ParleyServerKafka({});
  const held: Array<() => void> = [];
  let running = 0;
  server.handleMessage = () => {
    running++;
    return new Promise<void>((resolve) => held.push(() => (running--, resolve())));
  };
  const payload = (topic: string) => ({ topic, partition: 0, message: {} }) as unknown as EachMessagePayload;
  return { server, handle: server.getMessageHandler(), payload, held, running: () => running };
}

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('ParleyServerKafka', () => {
  it('moves on from a query before it is answered, so queries of one partition run side by side', async () => {
    const { handle, payload, held, running } = serverWithHeldHandlers();
    expect(await settled(handle(payload(Topics.calendarFreeBusyGetRequest)))).toBe(true);
    expect(await settled(handle(payload(Topics.calendarItemFindRequest)))).toBe(true);
    expect(running()).toBe(2);
    held.forEach((release) => release());
  });

  it('applies a command before it moves on (in order, offset committed after)', async () => {
    const { handle, payload, held } = serverWithHeldHandlers();
    const command = handle(payload(Topics.calendarItemUpdateRequest));
    expect(await settled(command)).toBe(false);
    held[0]();
    expect(await settled(command)).toBe(true);
  });

  it(`holds the consumer once ${MAX_CONCURRENT_QUERIES} queries are running, until one finishes`, async () => {
    const { handle, payload, held, running } = serverWithHeldHandlers();
    for (let i = 0; i < MAX_CONCURRENT_QUERIES; i++) await handle(payload(Topics.oofGetRequest));
    const next = handle(payload(Topics.oofGetRequest));
    expect(await settled(next)).toBe(false);
    expect(running()).toBe(MAX_CONCURRENT_QUERIES);
    held[0]();
    expect(await settled(next)).toBe(true);
    expect(running()).toBe(MAX_CONCURRENT_QUERIES);
    held.slice(1).forEach((release) => release());
  });

  it('on close, stops the consumer first and closes the producer only once the queries in hand are answered', async () => {
    const { server, handle, payload, held } = serverWithHeldHandlers();
    await handle(payload(Topics.oofGetRequest));
    const steps: string[] = [];
    const internals = server as unknown as { consumer: unknown; producer: unknown };
    internals.consumer = { disconnect: async () => void steps.push('consumer stopped') };
    internals.producer = { disconnect: async () => void steps.push('producer closed') };
    const closing = server.close();
    expect(await settled(closing)).toBe(false);
    expect(steps).toEqual(['consumer stopped']);
    held[0]();
    await closing;
    expect(steps).toEqual(['consumer stopped', 'producer closed']);
  });

  it('leaves the per-replica feeds out of the group subscription, keeping their handlers', async () => {
    const server = new ParleyServerKafka({ subscribe: { fromBeginning: true } });
    for (const topic of [Topics.oofEffectiveChanged, Topics.presenceChanged, Topics.imDelivery, Topics.imReceipt]) {
      server.addHandler(topic, async () => undefined, true);
    }
    const subscribed: unknown[] = [];
    const consumer = { subscribe: async (s: unknown) => void subscribed.push(s), run: async () => undefined } as unknown as Consumer;
    await server.bindEvents(consumer);
    expect(subscribed).toEqual([{ fromBeginning: true, topics: [Topics.oofEffectiveChanged] }]);
    expect(server.getHandlerByPattern(Topics.presenceChanged)).not.toBeNull();
  });
});
