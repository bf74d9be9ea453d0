import { EarlySocket } from './early-socket';
import { FakeSocket } from './testing/fakes';

describe('EarlySocket', () => {
  it('keeps what arrives before its owner listens, and hands it over in order on release', () => {
    const raw = new FakeSocket('ws://parley.test/presence');
    const early = new EarlySocket(raw);
    raw.accept();
    raw.receive({ type: 'message-waiting', newMessages: 1, oldMessages: 0 });

    const seen: string[] = [];
    early.onopen = () => seen.push('open');
    early.onmessage = (event) => seen.push((JSON.parse(String(event.data)) as { type: string }).type);
    early.onclose = (event) => seen.push(`close ${event.code}`);
    expect(seen).toEqual([]);

    early.release();
    expect(seen).toEqual(['open', 'hello', 'message-waiting']);
    raw.onclose?.({ code: 1001, reason: 'server shutting down' });
    expect(seen).toEqual(['open', 'hello', 'message-waiting', 'close 1001']);
  });

  it('hands over a close that came before release (the session had ended)', () => {
    const raw = new FakeSocket('ws://parley.test/presence');
    const early = new EarlySocket(raw);
    raw.onerror?.({});
    raw.onclose?.({ code: 1006, reason: '' });
    const seen: string[] = [];
    early.onerror = () => seen.push('error');
    early.onclose = (event) => seen.push(`close ${event.code}`);
    early.release();
    expect(seen).toEqual(['error', 'close 1006']);
  });

  it('sends and closes through the socket it wraps', () => {
    const raw = new FakeSocket('ws://parley.test/presence');
    const early = new EarlySocket(raw);
    early.send(JSON.stringify({ type: 'ping', id: 'p1' }));
    early.close(1000, 'bye');
    expect(raw.sent).toEqual([{ type: 'ping', id: 'p1' }]);
    expect(raw.closedWith).toEqual({ code: 1000, reason: 'bye' });
  });
});
