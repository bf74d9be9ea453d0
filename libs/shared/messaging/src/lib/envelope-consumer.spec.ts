import { createEnvelope } from '@parley/contracts';
import { currentCorrelationId } from '@parley/logging';
import { z } from 'zod';
import type { DeadLetterSink, NewDeadLetter } from './dead-letter/dead-letter.repository';
import { PermanentMessageError } from './dead-letter/message-failure';
import { EnvelopeConsumer, EnvelopeConsumerOptions } from './envelope-consumer';

class RecordingSink implements DeadLetterSink {
  readonly letters: NewDeadLetter[] = [];
  fail = false;
  async record(letter: NewDeadLetter): Promise<string> {
    if (this.fail) throw new Error('database down');
    return String(this.letters.push(letter));
  }
}

const topic = 'test.widget.changed.v1';
const schema = z.object({ n: z.number() });
const valid = createEnvelope({ type: topic, key: 'a@x.test', payload: { n: 1 }, correlationId: 'corr-7' });

/** A consumer whose waits are recorded instead of slept. */
function consumerWith(sink: DeadLetterSink, opts: Partial<EnvelopeConsumerOptions> = {}) {
  const waits: number[] = [];
  const consumer = new EnvelopeConsumer(sink, {
    consumerGroup: 'parley.widgets',
    retry: { maxAttempts: 4, initialBackoffMs: 10, retryBudgetMs: 1_000 },
    sleep: async (ms) => void waits.push(ms),
    ...opts,
  });
  return { consumer, waits };
}

describe('EnvelopeConsumer', () => {
  it('hands a valid event to the handler inside its correlation scope', async () => {
    const { consumer } = consumerWith(new RecordingSink());
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
    const sink = new RecordingSink();
    const reported: unknown[] = [];
    const handler = jest.fn();
    await consumerWith(sink, { onDeadLetter: (l) => reported.push(l) }).consumer.event(topic, raw, schema, handler);
    expect(handler).not.toHaveBeenCalled();
    expect(sink.letters).toEqual([
      {
        consumerGroup: 'parley.widgets',
        topic,
        key: typeof raw === 'string' ? '' : 'a@x.test',
        envelope: raw,
        reason: expect.stringMatching(reason),
        kind: 'invalid',
        attempts: 0,
      },
    ]);
    expect(reported).toEqual([{ ...sink.letters[0], id: '1' }]);
  });

  it('dead-letters a permanent failure at once, with its reason and the one attempt', async () => {
    const sink = new RecordingSink();
    const { consumer, waits } = consumerWith(sink);
    const handler = jest.fn(async () => {
      throw new PermanentMessageError('the mailbox does not exist');
    });
    await expect(consumer.event(topic, valid, schema, handler)).resolves.toBeUndefined();
    expect(handler).toHaveBeenCalledTimes(1);
    expect(waits).toEqual([]);
    expect(sink.letters).toEqual([
      expect.objectContaining({
        kind: 'permanent',
        attempts: 1,
        envelope: valid,
        key: 'a@x.test',
        reason: 'PermanentMessageError: the mailbox does not exist',
      }),
    ]);
  });

  it('retries a transient failure with doubling waits and resolves once the handler succeeds, without a dead letter', async () => {
    const sink = new RecordingSink();
    const retries: number[] = [];
    const { consumer, waits } = consumerWith(sink, { onRetry: (_t, attempt) => retries.push(attempt) });
    let calls = 0;
    await consumer.event(topic, valid, schema, async () => {
      if (++calls <= 2) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
    });
    expect(calls).toBe(3);
    expect(waits).toEqual([10, 20]);
    expect(retries).toEqual([1, 2]);
    expect(sink.letters).toEqual([]);
  });

  it('dead-letters a failure that outlasts the attempts, with the attempt count and the last reason', async () => {
    const sink = new RecordingSink();
    const { consumer, waits } = consumerWith(sink);
    let calls = 0;
    await consumer.event(topic, valid, schema, async () => {
      throw new Error(`timeout ${++calls}`);
    });
    expect(calls).toBe(4);
    expect(waits).toEqual([10, 20, 40]);
    expect(sink.letters).toEqual([expect.objectContaining({ kind: 'retries-exhausted', attempts: 4, reason: 'Error: timeout 4' })]);
  });

  it('stops retrying when the next wait would pass the retry budget', async () => {
    const sink = new RecordingSink();
    // A clock that only the waits move, so a slow machine cannot eat into the budget.
    let clock = Date.now();
    const now = jest.spyOn(Date, 'now').mockImplementation(() => clock);
    const { consumer, waits } = consumerWith(sink, {
      retry: { maxAttempts: 20, initialBackoffMs: 20, retryBudgetMs: 100 },
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    let calls = 0;
    try {
      await consumer.event(topic, valid, schema, async () => {
        calls++;
        throw new Error('connection terminated');
      });
    } finally {
      now.mockRestore();
    }
    // Waits 20 + 40 fit in 100 ms; the next (80) would not.
    expect(calls).toBe(3);
    expect(waits).toEqual([20, 40]);
    expect(sink.letters).toEqual([expect.objectContaining({ kind: 'retries-exhausted', attempts: 3 })]);
  });

  it('throws (so the transport redelivers) when the dead letter cannot be recorded', async () => {
    const sink = new RecordingSink();
    sink.fail = true;
    await expect(consumerWith(sink).consumer.event(topic, { bad: true }, schema, jest.fn())).rejects.toThrow('database down');
    await expect(
      consumerWith(sink).consumer.event(topic, valid, schema, async () => {
        throw new PermanentMessageError('refused');
      }),
    ).rejects.toThrow('database down');
  });

  it('replies InvalidRequest to an invalid command instead of dead-lettering it', async () => {
    const sink = new RecordingSink();
    const reply = await consumerWith(sink).consumer.command(topic, { ...valid, payload: {} }, schema, async () => ({ ok: true, value: 1 }));
    expect(reply).toMatchObject({ ok: false, error: { code: 'InvalidRequest' } });
    expect(sink.letters).toEqual([]);
  });

  it('passes a command handler’s failure to the caller, unretried', async () => {
    const sink = new RecordingSink();
    const handler = jest.fn(async () => {
      throw new Error('database unavailable');
    });
    await expect(consumerWith(sink).consumer.command(topic, valid, schema, handler)).rejects.toThrow('database unavailable');
    expect(handler).toHaveBeenCalledTimes(1);
    expect(sink.letters).toEqual([]);
  });
});
