import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A browser sign-in of the web client (docs/architecture.md, "Authentication"). The cookie carries a
 * random token; only its SHA-256 is stored, so a copy of the table signs nobody in. Removed on
 * sign-out, with its user, when the user's password is set, and (lazily) once expired.
 */
@Entity({ schema: 'directory', name: 'web_session' })
@Index('web_session_token_hash_key', ['tokenHash'], { unique: true })
@Index('web_session_user_id_idx', ['userId'])
@Index('web_session_expires_at_idx', ['expiresAt'])
export class WebSessionEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** SHA-256 of the cookie's token (32 bytes). */
  @Column({ type: 'bytea' })
  tokenHash!: Buffer;

  @Column({ type: 'uuid' })
  userId!: string;

  /** What unsafe requests of this session send in `X-CSRF-Token`. */
  @Column({ type: 'text' })
  csrfToken!: string;

  @Column({ type: 'timestamptz' })
  createdAt!: Date;

  /** Moved forward at most once a minute by the requests of the session. */
  @Column({ type: 'timestamptz' })
  lastSeenAt!: Date;

  /** The earlier of idle expiry (from `lastSeenAt`) and the absolute end of the session. */
  @Column({ type: 'timestamptz' })
  expiresAt!: Date;
}
