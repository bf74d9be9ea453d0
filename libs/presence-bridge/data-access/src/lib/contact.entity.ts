import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One person on a user's contact list, in one group or in none ("Other contacts"). */
@Entity({ schema: 'presence_bridge', name: 'contact' })
export class ContactEntity {
  @PrimaryColumn({ type: 'text' })
  owner!: string;

  /** The contact's lower-cased SMTP address. */
  @PrimaryColumn({ type: 'text' })
  contact!: string;

  @Column({ type: 'uuid', nullable: true })
  groupId!: string | null;

  @Column({ type: 'timestamptz' })
  addedAt!: Date;
}
