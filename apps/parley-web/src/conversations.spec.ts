import { ConversationStore, TYPING_IDLE_MS, TYPING_REPEAT_MS, TypingNotifier, PEER_TYPING_TIMEOUT_MS } from './conversations';
import { FakeClock } from './testing/fakes';

const im = (from: string, text: string, messageId = text) => ({ messageId, from, text, sentAt: '2026-12-03T09:15:02.120Z' });

describe('ConversationStore', () => {
  it('opens a conversation on an incoming message, unread unless seen; opening marks it read', () => {
    const store = new ConversationStore(new FakeClock());
    store.receive(im('Bob@parley.test', 'hi'), false);
    store.receive(im('bob@parley.test', 'there?'), false);
    expect(store.get('bob@parley.test')).toMatchObject({ peer: 'bob@parley.test', unread: 2 });
    expect(store.active).toBe('bob@parley.test');
    store.receive(im('carol@parley.test', 'hello'), false);
    expect(store.active).toBe('bob@parley.test');
    expect(store.totalUnread).toBe(3);
    store.open('bob@parley.test');
    expect(store.totalUnread).toBe(1);
    store.receive(im('bob@parley.test', 'ok'), true);
    expect(store.totalUnread).toBe(1);
  });

  it('tracks delivery per message: sending, then delivered or failed with the reason', () => {
    const store = new ConversationStore(new FakeClock());
    const a = store.addOutgoing('bob@parley.test', 'one');
    const b = store.addOutgoing('bob@parley.test', 'two');
    expect(a).not.toBe(b);
    store.delivered('bob@parley.test', a);
    store.failed('bob@parley.test', b, 'recipient-offline');
    // A late second answer does not change a settled message.
    store.delivered('bob@parley.test', b);
    expect(store.get('bob@parley.test')?.messages.map((m) => [m.text, m.state, m.failure])).toEqual([
      ['one', 'delivered', undefined],
      ['two', 'failed', 'recipient-offline'],
    ]);
  });

  it('shows the peer typing until false, a message, or the timeout', () => {
    const clock = new FakeClock();
    const store = new ConversationStore(clock);
    store.open('bob@parley.test');
    store.peerTyping('bob@parley.test', true);
    expect(store.get('bob@parley.test')?.peerTyping).toBe(true);
    store.peerTyping('bob@parley.test', false);
    expect(store.get('bob@parley.test')?.peerTyping).toBe(false);
    store.peerTyping('bob@parley.test', true);
    store.receive(im('bob@parley.test', 'done'), true);
    expect(store.get('bob@parley.test')?.peerTyping).toBe(false);
    store.peerTyping('bob@parley.test', true);
    clock.advance(PEER_TYPING_TIMEOUT_MS - 1);
    expect(store.get('bob@parley.test')?.peerTyping).toBe(true);
    clock.advance(1);
    expect(store.get('bob@parley.test')?.peerTyping).toBe(false);
    // Typing from someone without a conversation opens nothing.
    store.peerTyping('carol@parley.test', true);
    expect(store.get('carol@parley.test')).toBeUndefined();
  });

  it('fails messages still sending when the connection drops; closing moves to another conversation', () => {
    const store = new ConversationStore(new FakeClock());
    const id = store.addOutgoing('bob@parley.test', 'one');
    store.failSending('timeout');
    expect(store.get('bob@parley.test')?.messages[0]).toMatchObject({ id, state: 'failed', failure: 'timeout' });
    store.open('carol@parley.test');
    store.close('carol@parley.test');
    expect(store.active).toBe('bob@parley.test');
  });

  it('keeps at most maxMessages per conversation', () => {
    const store = new ConversationStore(new FakeClock(), { maxMessages: 3 });
    for (const text of ['1', '2', '3', '4']) store.receive(im('bob@parley.test', text), true);
    expect(store.get('bob@parley.test')?.messages.map((m) => m.text)).toEqual(['2', '3', '4']);
  });
});

describe('TypingNotifier', () => {
  it('sends true on the first keystroke, repeats it at most every few seconds, and false when idle, emptied or sent', () => {
    const clock = new FakeClock();
    const sent: boolean[] = [];
    const notifier = new TypingNotifier(clock, (typing) => sent.push(typing));
    notifier.input(true);
    clock.advance(1000);
    notifier.input(true);
    notifier.input(true);
    expect(sent).toEqual([true]);
    clock.advance(TYPING_REPEAT_MS);
    notifier.input(true);
    expect(sent).toEqual([true, true]);
    clock.advance(TYPING_IDLE_MS);
    expect(sent).toEqual([true, true, false]);
    notifier.input(true);
    notifier.input(false);
    expect(sent).toEqual([true, true, false, true, false]);
    notifier.input(true);
    notifier.stop();
    notifier.stop();
    expect(sent).toEqual([true, true, false, true, false, true, false]);
  });
});
