import type { Producer, ProducerBatch, ProducerRecord, RecordMetadata } from 'kafkajs';
import { coalesceSends } from './coalescing-producer';

/** Records what reaches the broker side of the producer. */
function fakeProducer(fail?: Error) {
  const batches: ProducerBatch[] = [];
  const sends: ProducerRecord[] = [];
  const metadata = (topic: string): RecordMetadata => ({ topicName: topic, partition: 0, errorCode: 0 });
  const producer = {
    events: { CONNECT: 'producer.connect' },
    on: () => () => undefined,
    send: async (record: ProducerRecord) => {
      sends.push(record);
      return [metadata(record.topic)];
    },
    sendBatch: async (batch: ProducerBatch) => {
      batches.push(batch);
      if (fail) throw fail;
      return (batch.topicMessages ?? []).map((t) => metadata(t.topic));
    },
  } as unknown as Producer;
  return { producer, batches, sends };
}

const record = (topic: string, value: string): ProducerRecord => ({ topic, messages: [{ key: value, value }] });

describe('coalesceSends', () => {
  it('sends what is produced in one turn of the event loop as one batch, grouped by topic, in call order', async () => {
    const fake = fakeProducer();
    const producer = coalesceSends(fake.producer);
    const results = await Promise.all([
      producer.send(record('a.request.v1', '1')),
      producer.send(record('b.reply.v1', '2')),
      producer.send(record('a.request.v1', '3')),
    ]);
    expect(fake.batches).toEqual([
      {
        topicMessages: [
          {
            topic: 'a.request.v1',
            messages: [
              { key: '1', value: '1' },
              { key: '3', value: '3' },
            ],
          },
          { topic: 'b.reply.v1', messages: [{ key: '2', value: '2' }] },
        ],
      },
    ]);
    expect(fake.sends).toEqual([]);
    // Each caller gets the metadata of its own topic.
    expect(results.map((r) => r.map((m) => m.topicName))).toEqual([['a.request.v1'], ['b.reply.v1'], ['a.request.v1']]);
  });

  it('starts a new batch for what is sent after a flush', async () => {
    const fake = fakeProducer();
    const producer = coalesceSends(fake.producer);
    await producer.send(record('a.request.v1', '1'));
    await producer.send(record('a.request.v1', '2'));
    expect(fake.batches).toHaveLength(2);
  });

  it('sends a record with options of its own as it comes', async () => {
    const fake = fakeProducer();
    const producer = coalesceSends(fake.producer);
    await producer.send({ ...record('a.request.v1', '1'), acks: 1 });
    expect(fake.sends).toHaveLength(1);
    expect(fake.batches).toHaveLength(0);
  });

  it('fails every send of a failed batch', async () => {
    const fake = fakeProducer(new Error('broker gone'));
    const producer = coalesceSends(fake.producer);
    const outcomes = await Promise.allSettled([producer.send(record('a.request.v1', '1')), producer.send(record('b.reply.v1', '2'))]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
  });

  it('keeps the rest of the producer (events, listeners) as it was', () => {
    const fake = fakeProducer();
    const producer = coalesceSends(fake.producer);
    expect(producer.events).toBe(fake.producer.events);
    expect(producer.on).toBe(fake.producer.on);
  });
});
