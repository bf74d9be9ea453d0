import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One fixed-size piece of a blob's bytes (`POSTGRES_BLOB_CHUNK_BYTES`), so a range read touches only its chunks. */
@Entity({ schema: 'voicemail_ingest', name: 'blob_chunk' })
export class BlobChunkEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ type: 'bytea' })
  data!: Buffer;
}
