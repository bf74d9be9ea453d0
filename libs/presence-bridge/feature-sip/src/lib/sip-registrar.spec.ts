import { type NameAddr, parseNameAddr } from '@parley/presence-bridge/sip';
import { type RegisterRequest, SipRegistrar } from './sip-registrar';

const AOR = 'alice@parley.test';

describe('SipRegistrar', () => {
  let now = 1_000_000;
  const registrar = (max = 3) =>
    new SipRegistrar({ minExpires: 60, maxExpires: 3600, defaultExpires: 600, maxBindingsPerUser: max, now: () => now });
  const contact = (text: string): NameAddr => parseNameAddr(text);
  const req = (over: Partial<RegisterRequest>): RegisterRequest => ({
    aor: AOR,
    contacts: [contact('<sip:a@phone.invalid;transport=ws>')],
    expires: undefined,
    callId: 'c1',
    cseq: 1,
    connectionId: 'conn-1',
    ...over,
  });
  beforeEach(() => (now = 1_000_000));

  it('binds with the Contact expires, else the Expires header, else the default, capped at the maximum', () => {
    const r = registrar(4);
    r.register(req({ contacts: [contact('<sip:a@one.invalid>;expires=120')], expires: 300 }));
    r.register(req({ contacts: [contact('<sip:a@two.invalid>')], expires: 300, cseq: 2 }));
    r.register(req({ contacts: [contact('<sip:a@three.invalid>')], cseq: 3 }));
    const outcome = r.register(req({ contacts: [contact('<sip:a@four.invalid>;expires=99999')], cseq: 4, callId: 'c2' }));
    expect(outcome.kind).toBe('ok');
    expect(r.bindingsOf(AOR).map((b) => r.secondsLeft(b))).toEqual([120, 300, 600, 3600]);
  });

  it('refuses an interval below the minimum with 423 data, changing nothing', () => {
    const r = registrar();
    expect(r.register(req({ expires: 59 }))).toEqual({ kind: 'interval-too-brief', minExpires: 60 });
    expect(r.bindingsOf(AOR)).toHaveLength(0);
  });

  it('expires bindings on their own (injected clock) and sweeps them from memory', () => {
    const r = registrar();
    r.register(req({ expires: 60 }));
    now += 59_999;
    expect(r.bindingsOf(AOR)).toHaveLength(1);
    expect(r.secondsLeft(r.bindingsOf(AOR)[0])).toBe(1);
    now += 1;
    expect(r.sweep()).toBe(1);
    expect(r.bindingsOf(AOR)).toHaveLength(0);
    expect(r.users).toBe(0);
  });

  it('refreshes a binding with a higher CSeq and refuses an older one of the same Call-ID', () => {
    const r = registrar();
    r.register(req({ expires: 100, cseq: 5 }));
    expect(r.register(req({ expires: 200, cseq: 5 }))).toMatchObject({ kind: 'invalid' });
    expect(r.register(req({ expires: 200, cseq: 4 }))).toMatchObject({ kind: 'invalid' });
    expect(r.register(req({ expires: 200, cseq: 6 })).kind).toBe('ok');
    // Another Call-ID (the client restarted) may replace it whatever its CSeq.
    expect(r.register(req({ expires: 300, cseq: 1, callId: 'c9' })).kind).toBe('ok');
    expect(r.bindingsOf(AOR).map((b) => r.secondsLeft(b))).toEqual([300]);
  });

  it('matches Contact URIs by RFC 3261 equality, so a refresh does not add a binding', () => {
    const r = registrar();
    r.register(req({ contacts: [contact('<sip:a@Phone.INVALID;transport=ws>')] }));
    r.register(req({ contacts: [contact('<sip:%61@phone.invalid;transport=WS>')], cseq: 2 }));
    expect(r.bindingsOf(AOR)).toHaveLength(1);
  });

  it('removes one binding with expires=0 and all of them with Contact: * and Expires: 0', () => {
    const r = registrar();
    r.register(req({ contacts: [contact('<sip:a@one.invalid>'), contact('<sip:a@two.invalid>')] }));
    r.register(req({ contacts: [contact('<sip:a@one.invalid>;expires=0')], cseq: 2 }));
    expect(r.bindingsOf(AOR).map((b) => b.contact.uri)).toEqual([expect.objectContaining({ host: 'two.invalid' })]);
    expect(r.register(req({ contacts: '*', expires: 10, cseq: 3 }))).toMatchObject({ kind: 'invalid' });
    expect(r.register(req({ contacts: '*', expires: 0, cseq: 3 }))).toEqual({ kind: 'ok', bindings: [] });
    expect(r.users).toBe(0);
  });

  it('limits registrations per user without applying any part of the request', () => {
    const r = registrar(2);
    r.register(req({ contacts: [contact('<sip:a@one.invalid>'), contact('<sip:a@two.invalid>')] }));
    expect(r.register(req({ contacts: [contact('<sip:a@three.invalid>')], callId: 'x' }))).toEqual({ kind: 'too-many', max: 2 });
    expect(r.bindingsOf(AOR)).toHaveLength(2);
  });

  it('drops the bindings of a closed connection only', () => {
    const r = registrar();
    r.register(req({ contacts: [contact('<sip:a@one.invalid>')], connectionId: 'conn-1' }));
    r.register(req({ contacts: [contact('<sip:a@two.invalid>')], connectionId: 'conn-2', callId: 'c2' }));
    r.register(req({ aor: 'bob@parley.test', connectionId: 'conn-1' }));
    expect(r.removeConnection('conn-1')).toBe(2);
    expect(r.bindingsOf(AOR)).toHaveLength(1);
    expect(r.bindingsOf('bob@parley.test')).toHaveLength(0);
  });

  it('keeps a binding’s id while it is refreshed (even over another connection), and a new contact gets a new one', () => {
    const r = registrar();
    r.register(req({}));
    const [first] = r.bindingsOf(AOR);
    r.register(req({ cseq: 2, connectionId: 'conn-2', expires: 900 }));
    const [refreshed] = r.bindingsOf(AOR);
    expect(refreshed.id).toBe(first.id);
    expect(refreshed.connectionId).toBe('conn-2');
    r.register(req({ contacts: [contact('<sip:b@other.invalid>')], cseq: 3 }));
    const ids = r.bindingsOf(AOR).map((b) => b.id);
    expect(new Set(ids).size).toBe(2);
  });

  it('restores the bindings a REGISTER started from (undoing it), down to none', () => {
    const r = registrar();
    r.register(req({}));
    const before = r.bindingsOf(AOR);
    r.register(req({ contacts: [contact('<sip:b@other.invalid>')], cseq: 2 }));
    expect(r.bindingsOf(AOR)).toHaveLength(2);
    r.restore(AOR, before);
    expect(r.bindingsOf(AOR)).toEqual(before);
    r.restore(AOR, []);
    expect(r.users).toBe(0);
  });
});
