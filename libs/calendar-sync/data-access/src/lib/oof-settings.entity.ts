import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OofSettings } from '@parley/contracts';

/** A mailbox's out-of-office settings, owned by calendar-sync. */
@Entity({ schema: 'calendar_sync', name: 'oof_settings' })
export class OofSettingsEntity {
  /** Lower-cased SMTP address. */
  @PrimaryColumn({ type: 'text' })
  mailbox!: string;

  @Column({ type: 'text' })
  state!: OofSettings['state'];

  @Column({ type: 'text' })
  externalAudience!: OofSettings['externalAudience'];

  @Column({ type: 'timestamptz', nullable: true })
  startTime!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  endTime!: Date | null;

  @Column({ type: 'text' })
  internalReply!: string;

  @Column({ type: 'text' })
  externalReply!: string;

  /** Whether OOF is in effect now (Enabled, or Scheduled and inside its window). */
  @Column({ type: 'boolean' })
  active!: boolean;

  /** Bumped on every change; events carry it so consumers can tell newer from older. */
  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
