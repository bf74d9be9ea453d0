import { isTaskItemId } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { decodeTaskId, encodeTaskId, taskKeyForCommand } from './task-id';

describe('task ids', () => {
  const key = randomUUID();

  it('round-trips in its mailbox, whatever the address case, and is recognisable as a task id', () => {
    const id = encodeTaskId('alice@example.com', key);
    expect(decodeTaskId('Alice@Example.com', id)).toBe(key);
    expect(isTaskItemId(id)).toBe(true);
  });

  it('is not found in another mailbox, forged or truncated', () => {
    const id = encodeTaskId('alice@example.com', key);
    expect(decodeTaskId('bob@example.com', id)).toBeNull();
    expect(decodeTaskId('alice@example.com', id.slice(0, -4))).toBeNull();
    expect(decodeTaskId('alice@example.com', 'AAAA' + id.slice(4))).toBeNull();
  });

  it('derives a create command key from the command and mailbox', () => {
    expect(taskKeyForCommand('c1', 'a@example.com')).toBe(taskKeyForCommand('c1', 'a@example.com'));
    expect(taskKeyForCommand('c1', 'a@example.com')).not.toBe(taskKeyForCommand('c2', 'a@example.com'));
  });
});
