import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An API key a PBX uses for the HTTP voicemail drop (`Authorization: Bearer <key>`). Only the
 * key's SHA-256 is stored: the key itself is shown once, when `parley-admin pbx-key issue` makes it.
 */
@Entity({ schema: 'voicemail_ingest', name: 'pbx_api_key' })
export class PbxApiKeyEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** What the operator calls the PBX ("asterisk-berlin"); unique among keys not revoked, regardless of case. */
  @Column({ type: 'text' })
  name!: string;

  /** SHA-256 of the whole key as issued. */
  @Index('pbx_api_key_hash_key', { unique: true })
  @Column({ type: 'bytea' })
  keyHash!: Buffer;

  @Column({ type: 'timestamptz' })
  createdAt!: Date;

  /** The last accepted drop (to within a minute: it is not rewritten on every request). */
  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
