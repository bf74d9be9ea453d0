import { clientMessageSchema, isClientMessageType, ProtocolLimits } from './client-messages';

describe('client messages', () => {
  it('reads a subscribe with lower-cased targets and the id as given', () => {
    expect(clientMessageSchema.parse({ type: 'subscribe', id: 7, targets: ['Bob@Parley.Test'] })).toEqual({
      type: 'subscribe',
      id: 7,
      targets: ['bob@parley.test'],
    });
  });

  it('ignores unknown fields so newer clients can add optional ones', () => {
    expect(clientMessageSchema.parse({ type: 'ping', id: 'a', future: true })).toEqual({ type: 'ping', id: 'a' });
  });

  it.each([
    ['a target that is not an address', { type: 'subscribe', targets: ['bob'] }],
    ['no targets', { type: 'subscribe', targets: [] }],
    [
      'too many targets',
      { type: 'subscribe', targets: Array.from({ length: ProtocolLimits.maxTargetsPerRequest + 1 }, (_, i) => `u${i}@x.test`) },
    ],
    ['an unknown state', { type: 'set-state', state: 'sleeping' }],
    ['an expiry without an offset', { type: 'set-state', state: 'busy', expiresAt: '2026-12-01T10:00:00' }],
    ['an empty IM', { type: 'send-im', clientMessageId: 'c1', to: 'bob@parley.test', text: '' }],
    [
      'an IM over the text limit',
      { type: 'send-im', clientMessageId: 'c1', to: 'bob@parley.test', text: 'x'.repeat(ProtocolLimits.maxImTextUnits + 1) },
    ],
    ['an IM without a client message id', { type: 'send-im', to: 'bob@parley.test', text: 'hi' }],
    ['an id that is neither a string nor an integer', { type: 'ping', id: { nested: true } }],
    ['an id over the length limit', { type: 'ping', id: 'x'.repeat(ProtocolLimits.maxIdLength + 1) }],
    ['typing without its flag', { type: 'typing', to: 'bob@parley.test' }],
  ])('refuses %s', (_name, message) => {
    expect(clientMessageSchema.safeParse(message).success).toBe(false);
  });

  it('knows its own types and nothing inherited', () => {
    expect(isClientMessageType('send-im')).toBe(true);
    expect(isClientMessageType('toString')).toBe(false);
    expect(isClientMessageType('__proto__')).toBe(false);
    expect(isClientMessageType(42)).toBe(false);
  });
});
