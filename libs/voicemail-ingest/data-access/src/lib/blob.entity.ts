import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A blob of the PostgreSQL blob store (unused with the filesystem one): its size and when it was last written. */
@Entity({ schema: 'voicemail_ingest', name: 'blob' })
@Index('ix_blob_written_at', ['writtenAt'])
export class BlobEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  size!: number;

  /** Set on every put, also of an existing blob: the sweeper's grace period runs from here. */
  @Column({ type: 'timestamptz' })
  writtenAt!: Date;
}
