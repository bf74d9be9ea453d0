import { type Envelope, Topics } from '@parley/contracts';
import { CommandBus, CommandRefusedError, CommandTimeoutError } from '@parley/messaging';
import { FreeBusyCache } from '../availability/free-busy-cache';
import { CalendarClient } from './calendar.client';

/** An owner whose every answer is `outcome`: a reply, or a thrown error (a timeout). */
class ScriptedOwner extends CommandBus {
  constructor(private readonly outcome: { reply: unknown } | { error: Error }) {
    super();
  }

  protected async send(_topic: string, _envelope: Envelope): Promise<unknown> {
    if ('error' in this.outcome) throw this.outcome.error;
    return this.outcome.reply;
  }

  isReady(): boolean {
    return true;
  }
}

const mailbox = 'alice@parley.test';
const at = '2031-03-03T09:00:00.000Z';
const writes: Record<string, (client: CalendarClient) => Promise<unknown>> = {
  create: (c) => c.create(mailbox, { start: at, end: at }),
  update: (c) => c.update(mailbox, { itemId: 'AAMkItem1' }),
  delete: (c) => c.delete(mailbox, 'AAMkItem1'),
  move: (c) => c.move(mailbox, 'AAMkItem1', 'deleteditems'),
  respond: (c) => c.respond(mailbox, 'AAMkItem1', 'Accept', 'SendAndSaveCopy'),
};
const outcomes: Record<'refused' | 'timed out', { reply: unknown } | { error: Error }> = {
  refused: { reply: { ok: false, error: { code: 'ItemNotFound', message: 'gone' } } },
  'timed out': { error: new CommandTimeoutError(Topics.calendarItemCreateRequest, 5) },
};

describe('CalendarClient: a write through this replica drops the mailbox’s cached free/busy', () => {
  const cases = Object.keys(writes).flatMap((write) => (['refused', 'timed out'] as const).map((outcome) => [write, outcome] as const));

  it.each(cases)('%s, also when %s (a write may apply although its answer is lost)', async (write, outcome) => {
    const cache = new FreeBusyCache({ ttlMs: 60_000, maxEntries: 10, maxEventsPerEntry: 10 });
    const invalidate = jest.spyOn(cache, 'invalidate');
    const client = new CalendarClient(new ScriptedOwner(outcomes[outcome]), cache);
    const error = await writes[write](client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(outcome === 'refused' ? CommandRefusedError : CommandTimeoutError);
    expect(invalidate).toHaveBeenCalledWith(mailbox);
  });

  it('a read drops nothing', async () => {
    const cache = new FreeBusyCache({ ttlMs: 60_000, maxEntries: 10, maxEventsPerEntry: 10 });
    const invalidate = jest.spyOn(cache, 'invalidate');
    const client = new CalendarClient(new ScriptedOwner(outcomes.refused), cache);
    await expect(client.get(mailbox, { by: 'id', itemId: 'AAMkItem1' })).rejects.toBeInstanceOf(CommandRefusedError);
    expect(invalidate).not.toHaveBeenCalled();
  });
});
