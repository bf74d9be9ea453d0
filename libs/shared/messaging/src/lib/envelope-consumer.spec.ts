import { createEnvelope, deadLetterTopicOf } from '@parley/contracts';
import { currentCorrelationId } from '@parley/logging';
import type { OutboundMessage, OutboxPublisher } from '@parley/persistence';
import { z } from 'zod';
import { EnvelopeConsumer } from './envelope-consumer';

class CapturingPublisher implements OutboxPublisher {
  readonly sent: OutboundMessage[] = [];
  fail = false;
  async publish(messages: OutboundMessage[]): Promise<void> {
    if (this.fail) throw new Error('broker down');
    this.sent.push(...messages);
  }
}

const topic = 'test.widget.changed.v1';
const schema = z.object({ n: z.number() });
const valid = createEnvelope({ type: topic, key: 'a@x.test', payload: { n: 1 }, correlationId: 'corr-7' });

describe('EnvelopeConsumer', () => {
  it('hands a valid event to the handler inside its correlation scope', async () => {
    const consumer = new EnvelopeConsumer(new CapturingPublisher());
    let seen: unknown;
    await consumer.event(topic, valid, schema, async (e) => {
      seen = { n: e.payload.n, correlation: currentCorrelationId() };
    });
    expect(seen).toEqual({ n: 1, correlation: 'corr-7' });
  });

  it.each([
    ['a payload that fails its schema', { ...valid, payload: { n: 'one' } }, /invalid payload/],
    ['an envelope without id', { ...valid, id: undefined }, /invalid envelope/],
    ['an envelope of another topic', { ...valid, type: 'test.other.changed.v1' }, /arrived on/],
    ['something that is not an envelope at all', 'hello', /invalid envelope/],
  ])('dead-letters %s, with the reason, without calling the handler', async (_label, raw, reason) => {
    const publisher = new CapturingPublisher();
    const letters: unknown[] = [];
    const handler = jest.fn();
    await new EnvelopeConsumer(publisher, (l) => letters.push(l)).event(topic, raw, schema, handler);
    expect(handler).not.toHaveBeenCalled();
    expect(publisher.sent).toHaveLength(1);
    expect(publisher.sent[0]).toMatchObject({ topic: deadLetterTopicOf(topic), envelope: { payload: { originalTopic: topic, reason: expect.stringMatching(reason), original: raw } } });
    expect(letters).toHaveLength(1);
  });

  it('throws (so the transport redelivers) when the dead letter cannot be published', async () => {
    const publisher = new CapturingPublisher();
    publisher.fail = true;
    await expect(new EnvelopeConsumer(publisher).event(topic, { bad: true }, schema, jest.fn())).rejects.toThrow('broker down');
  });

  it('rethrows a handler’s own failure so the transport retries it', async () => {
    await expect(
      new EnvelopeConsumer(new CapturingPublisher()).event(topic, valid, schema, async () => {
        throw new Error('database unavailable');
      }),
    ).rejects.toThrow('database unavailable');
  });

  it('replies InvalidRequest to an invalid command instead of dead-lettering it', async () => {
    const publisher = new CapturingPublisher();
    const reply = await new EnvelopeConsumer(publisher).command(topic, { ...valid, payload: {} }, schema, async () => ({ ok: true, value: 1 }));
    expect(reply).toMatchObject({ ok: false, error: { code: 'InvalidRequest' } });
    expect(publisher.sent).toEqual([]);
  });
});
