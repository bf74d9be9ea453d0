import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Importance, TaskStatus } from '@parley/contracts';

/** A task of a mailbox's Tasks folder, owned by calendar-sync. */
@Entity({ schema: 'calendar_sync', name: 'task' })
@Index('ix_task_mailbox_created', ['mailbox', 'createdAt', 'id'])
@Index('ix_task_mailbox_deleted', ['mailbox', 'deletedAt', 'id'], { where: 'deleted_at IS NOT NULL' })
export class TaskEntity {
  /** 128 random bits (or derived from the creating command); the opaque EWS id is built from it and the mailbox. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Lower-cased SMTP address of the owning mailbox. */
  @Column({ type: 'text' })
  mailbox!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'text', nullable: true })
  bodyType!: 'Text' | 'HTML' | null;

  @Column({ type: 'text', nullable: true })
  body!: string | null;

  @Column({ type: 'text' })
  importance!: Importance;

  @Column({ type: 'text' })
  sensitivity!: 'Normal' | 'Personal' | 'Private' | 'Confidential';

  @Column({ type: 'timestamptz', nullable: true })
  startDate!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  dueDate!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  completeDate!: Date | null;

  @Column({ type: 'double precision' })
  percentComplete!: number;

  @Column({ type: 'text' })
  status!: TaskStatus;

  /** Opaque, replaced on every write. */
  @Column({ type: 'text' })
  changeKey!: string;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  lastModifiedAt!: Date;

  /** When DeleteItem moved it to Deleted Items; null while it is in its own folder. */
  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
