import type { Kafka, Producer, ProducerRecord, RecordMetadata, TopicMessages } from 'kafkajs';

interface Pending {
  record: ProducerRecord;
  resolve: (metadata: RecordMetadata[]) => void;
  reject: (error: unknown) => void;
}

/**
 * A producer whose `send` calls made in one turn of the event loop go to the broker as one
 * `sendBatch`: one produce request (one socket write, one broker round trip) instead of one per
 * message. Nest's Kafka client and server send every request and every reply on its own, and on
 * a loaded host each of those writes costs far more than the encoding (the broker's thread has to
 * be woken for each); kafkajs has no linger setting to do it for them.
 *
 * Only records without options of their own (acks, timeout, compression) are combined; those
 * with options are sent as they come. Order within a partition is kept (messages are appended
 * in call order). A failed batch fails every `send` in it, as each would have failed alone.
 */
export function coalesceSends(producer: Producer): Producer {
  let queue: Pending[] = [];

  const flush = () => {
    const batch = queue;
    queue = [];
    const byTopic = new Map<string, TopicMessages>();
    for (const { record } of batch) {
      const entry = byTopic.get(record.topic);
      if (entry) entry.messages.push(...record.messages);
      else byTopic.set(record.topic, { topic: record.topic, messages: [...record.messages] });
    }
    producer.sendBatch({ topicMessages: [...byTopic.values()] }).then(
      (metadata) => {
        for (const p of batch) p.resolve(metadata.filter((m) => m.topicName === p.record.topic));
      },
      (error: unknown) => {
        for (const p of batch) p.reject(error);
      },
    );
  };

  const send = (record: ProducerRecord): Promise<RecordMetadata[]> => {
    if (record.acks !== undefined || record.timeout !== undefined || record.compression !== undefined) return producer.send(record);
    return new Promise((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ record, resolve, reject });
    });
  };

  // Everything else (connect, events, sendBatch, transactions) is the producer's own.
  return Object.assign(Object.create(producer) as Producer, { send });
}

/** The Kafka client Nest builds, with every producer it makes coalescing its sends. */
export function withCoalescingProducers(kafka: Kafka): Kafka {
  const makeProducer = kafka.producer.bind(kafka);
  kafka.producer = (config) => coalesceSends(makeProducer(config));
  return kafka;
}
