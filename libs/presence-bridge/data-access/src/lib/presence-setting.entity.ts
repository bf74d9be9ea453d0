import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What a user set by hand: a state (optionally until a time) and a personal note. */
@Entity({ schema: 'presence_bridge', name: 'presence_setting' })
export class PresenceSettingEntity {
  @PrimaryColumn({ type: 'text' })
  mailbox!: string;

  /** A presence-engine user state name; null once reset. */
  @Column({ type: 'text', nullable: true })
  userState!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  userStateExpiresAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  personalNote!: string | null;

  @Column({ type: 'timestamptz' })
  updatedAt!: Date;
}
