import { TASK_ID_BYTES, TASK_ID_KIND } from '@parley/contracts';
import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque EWS ids for tasks: base64url of
 *   kind (1 byte, `TASK_ID_KIND`) · task key (16 bytes) · mailbox tag (first 8 bytes of SHA-256
 *   of the lower-cased address).
 * The layout of calendar item ids with a kind of its own, so the gateway can route an id to
 * tasks or calendars without a lookup. The key is unguessable (random, or derived from the
 * creating command's random id); the tag binds the id to its mailbox, so an id used against
 * another mailbox is "not found" before any lookup (and the lookup is per mailbox too).
 */
function mailboxTag(mailbox: string): Buffer {
  return createHash('sha256').update(`parley-mailbox:${mailbox.toLowerCase()}`).digest().subarray(0, 8);
}

function bytesToKey(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The task key a create command makes, derived from its id so a retried create finds its task. */
export function taskKeyForCommand(commandId: string, mailbox: string): string {
  return bytesToKey(createHash('sha256').update(`parley-task-create:${commandId}:${mailbox}`).digest().subarray(0, 16));
}

export function encodeTaskId(mailbox: string, key: string): string {
  return Buffer.concat([Buffer.from([TASK_ID_KIND]), Buffer.from(key.replace(/-/g, ''), 'hex'), mailboxTag(mailbox)]).toString('base64url');
}

/** The task key of an id for `mailbox`; null when malformed, not a task id, or minted for another mailbox. */
export function decodeTaskId(mailbox: string, id: string): string | null {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(id)) return null;
  const bytes = Buffer.from(id, 'base64url');
  if (bytes.length !== TASK_ID_BYTES || bytes[0] !== TASK_ID_KIND) return null;
  if (!bytes.subarray(17, 25).equals(mailboxTag(mailbox))) return null;
  return bytesToKey(bytes.subarray(1, 17));
}

/** A fresh change key: opaque, different on every write. */
export function newTaskChangeKey(): string {
  return randomBytes(12).toString('base64url');
}
