import type { DataSource } from 'typeorm';

/** A stored PBX API key (never the key itself). */
export interface StoredPbxApiKey {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface PbxApiKeyRow {
  id: string;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const columns = 'id, name, created_at, last_used_at, revoked_at';

function toStored(row: PbxApiKeyRow): StoredPbxApiKey {
  return { id: row.id, name: row.name, createdAt: row.created_at, lastUsedAt: row.last_used_at, revokedAt: row.revoked_at };
}

/** The name is already used by a key that is not revoked. */
export class PbxApiKeyNameTakenError extends Error {}

/** PBX API keys, found by the SHA-256 of the key a request presents. */
export class PbxApiKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(key: { id: string; name: string; keyHash: Buffer; createdAt: Date }): Promise<StoredPbxApiKey> {
    try {
      const rows: PbxApiKeyRow[] = await this.dataSource.query(
        `INSERT INTO voicemail_ingest.pbx_api_key (id, name, key_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING ${columns}`,
        [key.id, key.name, key.keyHash, key.createdAt],
      );
      return toStored(rows[0]);
    } catch (error) {
      const driver = (error as { driverError?: { code?: string; constraint?: string } }).driverError;
      if (driver?.code === '23505' && driver.constraint === 'pbx_api_key_active_name_key') {
        throw new PbxApiKeyNameTakenError(`a key named ${key.name} is in use (revoke it first, or pick another name)`);
      }
      throw error;
    }
  }

  async findByHash(keyHash: Buffer): Promise<StoredPbxApiKey | null> {
    const rows: PbxApiKeyRow[] = await this.dataSource.query(`SELECT ${columns} FROM voicemail_ingest.pbx_api_key WHERE key_hash = $1`, [
      keyHash,
    ]);
    return rows[0] ? toStored(rows[0]) : null;
  }

  /** Every key, revoked ones included, oldest first. */
  async list(): Promise<StoredPbxApiKey[]> {
    const rows: PbxApiKeyRow[] = await this.dataSource.query(
      `SELECT ${columns} FROM voicemail_ingest.pbx_api_key ORDER BY created_at, name`,
    );
    return rows.map(toStored);
  }

  /** Revokes the key not yet revoked with this id or (case-insensitively) this name; null when there is none. */
  async revoke(idOrName: string, now: Date): Promise<StoredPbxApiKey | null> {
    const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrName);
    const rows: [PbxApiKeyRow[], number] = await this.dataSource.query(
      `UPDATE voicemail_ingest.pbx_api_key SET revoked_at = $2
       WHERE revoked_at IS NULL AND ${isUuid ? 'id = $1::uuid' : 'lower(name) = lower($1)'}
       RETURNING ${columns}`,
      [idOrName, now],
    );
    const updated = rows[0];
    return updated[0] ? toStored(updated[0]) : null;
  }

  /** Records a use; rewritten at most once a minute per key (a busy PBX would otherwise write on every drop). */
  async touch(id: string, now: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE voicemail_ingest.pbx_api_key SET last_used_at = $2
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
      [id, now],
    );
  }
}
