import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque EWS ids for calendar items: base64url of
 *   kind (1 byte: 1 item or series, 2 occurrence) · item key (16 random bytes) ·
 *   mailbox tag (first 8 bytes of SHA-256 of the lower-cased address) · [original start, int64 ms].
 * The item key is unguessable; the mailbox tag binds the id to its mailbox, so an id used
 * against another mailbox is "not found" before any lookup (and the lookup is per mailbox too).
 * Nothing depends on process state, so ids are stable across restarts and replicas.
 */
export type DecodedItemId = { kind: 'item'; key: string } | { kind: 'occurrence'; key: string; originalStart: number };

const ITEM = 1;
const OCCURRENCE = 2;

function mailboxTag(mailbox: string): Buffer {
  return createHash('sha256').update(`parley-mailbox:${mailbox.toLowerCase()}`).digest().subarray(0, 8);
}

function keyToBytes(key: string): Buffer {
  return Buffer.from(key.replace(/-/g, ''), 'hex');
}

function bytesToKey(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A new item key: 128 random bits in uuid notation (the primary key column is a uuid). */
export function newItemKey(): string {
  return bytesToKey(randomBytes(16));
}

/** The item key a command creates, derived from its id so a retried create finds its item. */
export function itemKeyForCommand(commandId: string, mailbox: string): string {
  return bytesToKey(createHash('sha256').update(`parley-calendar-create:${commandId}:${mailbox}`).digest().subarray(0, 16));
}

export function encodeItemId(mailbox: string, key: string): string {
  return Buffer.concat([Buffer.from([ITEM]), keyToBytes(key), mailboxTag(mailbox)]).toString('base64url');
}

export function encodeOccurrenceId(mailbox: string, key: string, originalStart: number): string {
  const start = Buffer.alloc(8);
  start.writeBigInt64BE(BigInt(originalStart));
  return Buffer.concat([Buffer.from([OCCURRENCE]), keyToBytes(key), mailboxTag(mailbox), start]).toString('base64url');
}

/** Decodes an id for `mailbox`; null when malformed or minted for another mailbox. */
export function decodeItemId(mailbox: string, id: string): DecodedItemId | null {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(id)) return null;
  const bytes = Buffer.from(id, 'base64url');
  const kind = bytes[0];
  const expected = kind === ITEM ? 25 : kind === OCCURRENCE ? 33 : -1;
  if (bytes.length !== expected) return null;
  if (!bytes.subarray(17, 25).equals(mailboxTag(mailbox))) return null;
  const key = bytesToKey(bytes.subarray(1, 17));
  return kind === ITEM ? { kind: 'item', key } : { kind: 'occurrence', key, originalStart: Number(bytes.readBigInt64BE(25)) };
}

/** A fresh change key: opaque, different on every write. */
export function newChangeKey(): string {
  return randomBytes(12).toString('base64url');
}
