import { createEnvelope, type Envelope, type OofSettings, type OofView, type Reply, Topics } from '@parley/contracts';
import { CommandBus, EnvelopeConsumer, type MessagingTransport, type NewDeadLetter } from '@parley/messaging';
import { ReadinessRegistry } from '@parley/observability';
import { OofReadModel } from './oof-read-model';
import { OofViewConsumer } from './oof-view.consumer';
import { OofClient } from './oof.client';

const ENABLED: OofSettings = {
  state: 'Enabled',
  externalAudience: 'Known',
  startTime: null,
  endTime: null,
  internalReply: 'away',
  externalReply: 'gone',
};
const view = (mailbox: string, revision: number, settings: OofSettings = ENABLED): OofView => ({
  mailbox,
  settings,
  active: settings.state === 'Enabled',
  revision,
});

/** calendar-sync as the gateway sees it: a store behind request/reply, counting the round trips. */
class FakeOwner extends CommandBus {
  readonly stored = new Map<string, OofView>();
  requests: string[] = [];

  protected async send(topic: string, envelope: Envelope): Promise<Reply<OofView>> {
    this.requests.push(topic);
    const { mailbox, settings } = envelope.payload as { mailbox: string; settings?: OofSettings };
    if (topic === Topics.oofSetRequest && settings) {
      const next = view(mailbox, (this.stored.get(mailbox)?.revision ?? 0) + 1, settings);
      this.stored.set(mailbox, next);
      return { ok: true, value: next };
    }
    return {
      ok: true,
      value: this.stored.get(mailbox) ?? view(mailbox, 0, { ...ENABLED, state: 'Disabled', internalReply: '', externalReply: '' }),
    };
  }

  isReady(): boolean {
    return true;
  }
}

describe('OofReadModel', () => {
  it('keeps the newest revision: a late, older event does not undo a newer one', () => {
    const model = new OofReadModel();
    expect(model.apply(view('a@x.test', 2))).toBe(true);
    expect(model.apply(view('a@x.test', 1, { ...ENABLED, internalReply: 'old' }))).toBe(false);
    expect(model.apply(view('a@x.test', 2, { ...ENABLED, internalReply: 'same revision' }))).toBe(false);
    expect(model.lookup('a@x.test')?.settings.internalReply).toBe('away');
    expect(model.apply(view('a@x.test', 3, { ...ENABLED, internalReply: 'newer' }))).toBe(true);
    expect(model.lookup('a@x.test')?.revision).toBe(3);
  });

  it('keys mailboxes case-insensitively, as events are keyed', () => {
    const model = new OofReadModel();
    model.apply(view('Alice@X.test', 1));
    expect(model.lookup('alice@x.test')?.revision).toBe(1);
    expect(model.size).toBe(1);
  });

  it('answers the Disabled default for an unknown mailbox only once complete', () => {
    const model = new OofReadModel();
    expect(model.lookup('nobody@x.test')).toBeUndefined();
    model.markComplete();
    expect(model.lookup('nobody@x.test')).toEqual({
      mailbox: 'nobody@x.test',
      active: false,
      revision: 0,
      settings: { state: 'Disabled', externalAudience: 'All', startTime: null, endTime: null, internalReply: '', externalReply: '' },
    });
    expect(model.size).toBe(0);
  });
});

describe('OofClient over the read model', () => {
  it('falls back to request/reply while the model is incomplete, then answers from memory', async () => {
    const owner = new FakeOwner();
    owner.stored.set('a@x.test', view('a@x.test', 4));
    const gateway = new OofClient(owner, new OofReadModel());
    expect((await gateway.get('a@x.test')).revision).toBe(4);
    expect((await gateway.get('a@x.test')).revision).toBe(4);
    expect(owner.requests).toEqual([Topics.oofGetRequest]);
  });

  it('answers a complete model without asking calendar-sync, defaults included', async () => {
    const owner = new FakeOwner();
    const model = new OofReadModel();
    model.apply(view('a@x.test', 1));
    model.markComplete();
    const gateway = new OofClient(owner, model);
    expect((await gateway.get('a@x.test')).settings.state).toBe('Enabled');
    expect((await gateway.get('b@x.test')).settings.state).toBe('Disabled');
    expect(owner.requests).toEqual([]);
  });

  it("reads the caller's own write at once, before the event arrives, and ignores the event's older copy", async () => {
    const owner = new FakeOwner();
    const model = new OofReadModel();
    model.apply(view('a@x.test', 1));
    model.markComplete();
    const gateway = new OofClient(owner, model);
    owner.stored.set('a@x.test', view('a@x.test', 1));
    await gateway.set('a@x.test', { ...ENABLED, internalReply: 'back Monday' });
    expect((await gateway.get('a@x.test')).settings.internalReply).toBe('back Monday');
    // The event for revision 1 was delayed and arrives now: it changes nothing.
    expect(model.apply(view('a@x.test', 1))).toBe(false);
    expect((await gateway.get('a@x.test')).revision).toBe(2);
    expect(owner.requests).toEqual([Topics.oofSetRequest]);
  });
});

describe('OofViewConsumer', () => {
  const deadLetters: NewDeadLetter[] = [];
  const envelopes = new EnvelopeConsumer(
    { record: async (letter) => String(deadLetters.push(letter)) },
    { consumerGroup: 'parley.ews-gateway' },
  );
  const inProcess = { stateReader: () => undefined } as unknown as MessagingTransport;

  it('applies valid events and dead-letters invalid ones (the handler both transports call)', async () => {
    const model = new OofReadModel();
    const consumer = new OofViewConsumer(model, envelopes, inProcess, new ReadinessRegistry());
    await consumer.onOofChanged(
      createEnvelope({ type: Topics.oofChanged, key: 'a@x.test', payload: view('a@x.test', 5), correlationId: 'c' }),
    );
    expect(model.lookup('a@x.test')?.revision).toBe(5);
    await consumer.onOofChanged(
      createEnvelope({ type: Topics.oofChanged, key: 'a@x.test', payload: { mailbox: 'a@x.test' }, correlationId: 'c' }),
    );
    expect(deadLetters).toEqual([
      expect.objectContaining({ topic: Topics.oofChanged, kind: 'invalid', reason: expect.stringMatching(/invalid payload/) }),
    ]);
    expect(model.lookup('a@x.test')?.revision).toBe(5);
  });

  it('registers no readiness probe on the in-process bus (nothing to catch up with)', async () => {
    const readiness = new ReadinessRegistry();
    new OofViewConsumer(new OofReadModel(), envelopes, inProcess, readiness).onApplicationBootstrap();
    expect((await readiness.evaluate()).checks).toEqual({});
  });
});
