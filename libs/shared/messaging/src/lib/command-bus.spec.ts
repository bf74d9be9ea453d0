import type { Envelope } from '@parley/contracts';
import { z } from 'zod';
import { CommandBus, CommandRefusedError, InvalidReplyError } from './command-bus';

/** A bus whose owner answers `reply` whatever it is asked: the wire delivers anything. */
class ScriptedBus extends CommandBus {
  sent: Envelope | undefined;
  constructor(private readonly reply: unknown) {
    super();
  }

  protected async send(_topic: string, envelope: Envelope): Promise<unknown> {
    this.sent = envelope;
    return this.reply;
  }

  isReady(): boolean {
    return true;
  }
}

const topic = 'test.widget.get.request.v1';
const widget = z.object({ id: z.string(), size: z.number().int(), at: z.iso.datetime() });
const good = { id: 'w1', size: 3, at: '2031-01-01T00:00:00.000Z' };

describe('CommandBus.request validates the reply', () => {
  it('returns the value of a reply that matches the schema (unknown fields dropped)', async () => {
    const bus = new ScriptedBus({ ok: true, value: { ...good, extra: 'ignored' } });
    await expect(bus.request(topic, 'a@x.test', { id: 'w1' }, widget, { id: '4b0f3c52-6a44-4a8e-9f73-3f1de1d3c2a1' })).resolves.toEqual(
      good,
    );
    expect(bus.sent).toMatchObject({ type: topic, key: 'a@x.test', id: '4b0f3c52-6a44-4a8e-9f73-3f1de1d3c2a1', payload: { id: 'w1' } });
  });

  it('throws CommandRefusedError with the topic, code and message of a refusal, whatever the value schema', async () => {
    const bus = new ScriptedBus({ ok: false, error: { code: 'ItemNotFound', message: 'gone' } });
    const error = await bus.request(topic, 'a@x.test', {}, widget).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandRefusedError);
    expect(error).toMatchObject({ name: 'CommandRefusedError', topic, code: 'ItemNotFound', message: 'gone' });
  });

  it.each([
    ['a value of the wrong shape', { ok: true, value: { ...good, size: 'big', at: 'tomorrow' } }, ['value.size', 'value.at']],
    ['a success without a value', { ok: true }, ['value']],
    ['an error without a code', { ok: false, error: { message: 'no code' } }, ['error.code']],
    ['an error with a code no contract knows', { ok: false, error: { code: 'Teapot', message: 'short and stout' } }, ['error.code']],
    ['no reply object at all', 'OK', ['(root)']],
    ['a reply without ok', { value: good }, ['ok']],
  ])('throws InvalidReplyError, naming the topic and the issue paths, for %s', async (_label, reply, paths) => {
    const error = await new ScriptedBus(reply).request(topic, 'a@x.test', {}, widget).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidReplyError);
    const invalid = error as InvalidReplyError;
    expect(invalid.topic).toBe(topic);
    expect(invalid.issues.map((i) => i.path)).toEqual(paths);
    expect(invalid.message).toContain(`invalid reply to ${topic}: ${paths[0]}: `);
  });
});
