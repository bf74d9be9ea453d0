import { PbxApiKeyRepository, type StoredPbxApiKey } from '@parley/voicemail-ingest/data-access';
import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Every issued key starts with it: a key is recognisable in a config file or a leak scanner, and a mistyped token fails fast. */
export const PBX_API_KEY_PREFIX = 'pvk_';

/** 256 random bits, base64url: 43 characters. */
const KEY_PATTERN = /^pvk_[A-Za-z0-9_-]{43}$/;

export type PbxKeyCheck = { status: 'valid'; key: StoredPbxApiKey } | { status: 'revoked'; key: StoredPbxApiKey } | { status: 'unknown' };

function hashOf(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/**
 * PBX API keys: issued as 256 random bits (shown once), stored as their SHA-256 only. A key that
 * leaks from the database is thus useless, and the hash of a high-entropy key needs no slow KDF.
 */
export class PbxApiKeyService {
  constructor(private readonly keys: PbxApiKeyRepository) {}

  /** A new key for `name`; the returned `key` is the only time it exists outside the PBX's configuration. */
  async issue(name: string, now = new Date()): Promise<{ key: string; stored: StoredPbxApiKey }> {
    const trimmed = name.trim();
    if (!/^[\x21-\x7e][\x20-\x7e]{0,99}$/.test(trimmed)) {
      throw new RangeError('a key name is 1-100 printable ASCII characters (e.g. asterisk-berlin)');
    }
    const key = `${PBX_API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const stored = await this.keys.insert({ id: randomUUID(), name: trimmed, keyHash: hashOf(key), createdAt: now });
    return { key, stored };
  }

  list(): Promise<StoredPbxApiKey[]> {
    return this.keys.list();
  }

  /** Revokes the key with this id or name (effective at once on every replica: each drop looks the key up). */
  revoke(idOrName: string, now = new Date()): Promise<StoredPbxApiKey | null> {
    return this.keys.revoke(idOrName.trim(), now);
  }

  /** What a presented key is; a valid one's use is recorded. */
  async check(presented: string, now = new Date()): Promise<PbxKeyCheck> {
    if (!KEY_PATTERN.test(presented)) return { status: 'unknown' };
    const key = await this.keys.findByHash(hashOf(presented));
    if (key === null) return { status: 'unknown' };
    if (key.revokedAt !== null) return { status: 'revoked', key };
    await this.keys.touch(key.id, now);
    return { status: 'valid', key };
  }
}
