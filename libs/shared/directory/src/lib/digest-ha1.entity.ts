import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A user's SIP digest password equivalent for one realm and algorithm (H(address:realm:password)), written whenever the
 * password is set, as SIP registrars keep it: digest cannot be checked against the scrypt hash. Whoever reads it can
 * answer that realm's challenges, so it is as secret as a password.
 */
@Entity({ schema: 'directory', name: 'digest_ha1' })
export class DigestHa1Entity {
  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ type: 'text' })
  realm!: string;

  /** `SHA-256` or `MD5`. */
  @PrimaryColumn({ type: 'text' })
  algorithm!: string;

  @Column({ type: 'bytea' })
  ha1!: Buffer;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
