import { CommandErrorCodes } from '@parley/contracts';
import { CommandRefusal, replyWith } from './command-reply';
import { classifyFailure } from './dead-letter/message-failure';

class WidgetException extends CommandRefusal {}

describe('replyWith (the owner side of a command)', () => {
  it('answers with the value of the work', async () => {
    await expect(replyWith(async () => ({ id: 'w1' }))).resolves.toEqual({ ok: true, value: { id: 'w1' } });
  });

  it('answers a refusal, also one of a subclass, with its code and message', async () => {
    const refused = replyWith(async () => Promise.reject(new WidgetException(CommandErrorCodes.conflict, 'stale change key')));
    await expect(refused).resolves.toEqual({ ok: false, error: { code: 'Conflict', message: 'stale change key' } });
  });

  it('lets any other failure propagate (no reply: the caller may try again)', async () => {
    const lost = new Error('connection terminated');
    await expect(replyWith(async () => Promise.reject(lost))).rejects.toBe(lost);
  });

  it('a refusal is permanent if it ever ends an event’s handling (dead-lettered at once)', () => {
    expect(classifyFailure(new WidgetException(CommandErrorCodes.itemNotFound, 'gone'))).toBe('permanent');
  });
});
