import { SequenceGate } from './sequence-gate';

describe('SequenceGate', () => {
  it('lets through only what is newer than everything let through for the key', () => {
    const gate = new SequenceGate();
    expect([1, 3, 2, 3, 4, 1].map((n) => gate.admit('anna@x.test', n))).toEqual([true, true, false, false, true, false]);
    expect(gate.last('anna@x.test')).toBe(4);
  });

  it('keeps keys apart and forgets a key entirely', () => {
    const gate = new SequenceGate();
    gate.admit('anna@x.test', 5);
    expect(gate.admit('bob@x.test', 1)).toBe(true);
    gate.forget('anna@x.test');
    expect(gate.last('anna@x.test')).toBeUndefined();
    expect(gate.admit('anna@x.test', 2)).toBe(true);
    expect(gate.size).toBe(2);
  });
});
