import { decodeBase64 } from '../folders/folder-ids';

const WATERMARK_VERSION = 1;
const SUBSCRIPTION_ID_VERSION = 1;

/**
 * A watermark names a position in a mailbox's event journal (its per-mailbox sequence): base64 of
 * a version byte and the sequence as 8 bytes. It means the same on every gateway replica and after
 * a restart, because the journal it points into is in PostgreSQL.
 */
export function encodeWatermark(seq: number): string {
  const bytes = Buffer.alloc(9);
  bytes[0] = WATERMARK_VERSION;
  bytes.writeBigUInt64BE(BigInt(seq), 1);
  return bytes.toString('base64');
}

/** The sequence a watermark names; undefined when it is not one of ours. */
export function decodeWatermark(value: string): number | undefined {
  const bytes = decodeBase64(value.trim());
  if (!bytes || bytes.length !== 9 || bytes[0] !== WATERMARK_VERSION) return undefined;
  const seq = bytes.readBigUInt64BE(1);
  return seq > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(seq);
}

/** A subscription id: base64 of a version byte and the subscription row's UUID. */
export function encodeSubscriptionId(uuid: string): string {
  return Buffer.concat([Buffer.from([SUBSCRIPTION_ID_VERSION]), Buffer.from(uuid.replace(/-/g, ''), 'hex')]).toString('base64');
}

/** The row id a subscription id names; undefined when it is malformed. */
export function decodeSubscriptionId(value: string): string | undefined {
  const bytes = decodeBase64(value.trim());
  if (!bytes || bytes.length !== 17 || bytes[0] !== SUBSCRIPTION_ID_VERSION) return undefined;
  const hex = bytes.subarray(1).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
