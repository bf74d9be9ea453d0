import { decodeItemId, encodeItemId, encodeOccurrenceId, itemKeyForCommand, newChangeKey, newItemKey } from './calendar-item-id';

describe('calendar item ids', () => {
  const key = newItemKey();

  it('round-trips item and occurrence ids for their own mailbox', () => {
    expect(decodeItemId('alice@example.com', encodeItemId('alice@example.com', key))).toEqual({ kind: 'item', key });
    const start = Date.parse('2026-03-02T09:00:00Z');
    expect(decodeItemId('alice@example.com', encodeOccurrenceId('alice@example.com', key, start))).toEqual({
      kind: 'occurrence',
      key,
      originalStart: start,
    });
  });

  it('does not resolve an id in another mailbox, nor a forged or damaged one', () => {
    const id = encodeItemId('alice@example.com', key);
    expect(decodeItemId('bob@example.com', id)).toBeNull();
    expect(decodeItemId('alice@example.com', id.slice(0, -2))).toBeNull();
    expect(decodeItemId('alice@example.com', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBeNull();
    expect(decodeItemId('alice@example.com', 'not an id!')).toBeNull();
  });

  it('makes unguessable keys and change keys, and one stable key per create command', () => {
    expect(newItemKey()).not.toBe(key);
    expect(newChangeKey()).not.toBe(newChangeKey());
    expect(itemKeyForCommand('c1', 'a@example.com')).toBe(itemKeyForCommand('c1', 'a@example.com'));
    expect(itemKeyForCommand('c1', 'a@example.com')).not.toBe(itemKeyForCommand('c2', 'a@example.com'));
  });
});
