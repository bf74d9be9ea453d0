import { DataSource } from 'typeorm';
import type { DirectoryUser } from './directory.repository';

/** A stored web session with its (enabled) user. */
export interface StoredWebSession {
  id: string;
  user: DirectoryUser;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface NewWebSession {
  /** SHA-256 of the cookie's token. */
  tokenHash: Buffer;
  userId: string;
  csrfToken: string;
  /** Creation time, also the first `lastSeenAt`. */
  now: Date;
  expiresAt: Date;
}

interface SessionRow {
  id: string;
  csrf_token: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  user_id: string;
  smtp_address: string;
  display_name: string;
  sip_uri: string | null;
  phone_extension: string | null;
  roles: string[];
  impersonation_scope: string[] | null;
}

/**
 * The web client's sessions (`directory.web_session`): the one table of the directory that the
 * services themselves write (docs/architecture.md, "Directory decision"). Plain SQL: a session is
 * looked up on every request that carries its cookie (behind a short per-replica cache).
 */
export class WebSessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores a session and, in the same transaction, removes the user's least recently used ones
   * beyond `maxPerUser` (each sign-in makes a session; a user cannot pile up unbounded rows).
   */
  async create(session: NewWebSession, maxPerUser: number): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const inserted: { id: string }[] = await manager.query(
        `INSERT INTO directory.web_session (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $4, $5) RETURNING id`,
        [session.tokenHash, session.userId, session.csrfToken, session.now, session.expiresAt],
      );
      await manager.query(
        `DELETE FROM directory.web_session WHERE user_id = $1 AND id NOT IN (
           SELECT id FROM directory.web_session WHERE user_id = $1 ORDER BY last_seen_at DESC, created_at DESC LIMIT $2)`,
        [session.userId, maxPerUser],
      );
      return inserted[0].id;
    });
  }

  /** The unexpired session with this token hash whose user is enabled, or null. */
  async findByTokenHash(tokenHash: Buffer, now: Date): Promise<StoredWebSession | null> {
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT s.id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, u.id AS user_id, u.smtp_address, u.display_name,
              u.sip_uri, u.phone_extension, u.roles, u.impersonation_scope
       FROM directory.web_session s JOIN directory.mailbox_user u ON u.id = s.user_id
       WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = false`,
      [tokenHash, now],
    );
    const row = rows[0];
    if (row === undefined) return null;
    return {
      id: row.id,
      csrfToken: row.csrf_token,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
      user: {
        id: row.user_id,
        smtpAddress: row.smtp_address,
        displayName: row.display_name,
        sipUri: row.sip_uri,
        phoneExtension: row.phone_extension,
        roles: row.roles,
        impersonationScope: row.impersonation_scope,
      },
    };
  }

  /** Slides the session: seen at `lastSeenAt`, expiring at `expiresAt`. */
  async touch(id: string, lastSeenAt: Date, expiresAt: Date): Promise<void> {
    await this.dataSource.query(`UPDATE directory.web_session SET last_seen_at = $2, expires_at = $3 WHERE id = $1`, [
      id,
      lastSeenAt,
      expiresAt,
    ]);
  }

  /** Ends the session with this token hash; whether there was one. */
  async deleteByTokenHash(tokenHash: Buffer): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query(`DELETE FROM directory.web_session WHERE token_hash = $1`, [tokenHash]);
    return result[1] > 0;
  }

  /** Removes at most `limit` sessions that expired before `now`; how many went. */
  async deleteExpired(now: Date, limit: number): Promise<number> {
    const result: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM directory.web_session WHERE id IN (
         SELECT id FROM directory.web_session WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)`,
      [now, limit],
    );
    return result[1];
  }
}
