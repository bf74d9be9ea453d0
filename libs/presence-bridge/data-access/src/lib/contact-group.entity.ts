import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A named group in a user's contact list; names are unique per owner regardless of case (index contact_group_owner_name_key). */
@Entity({ schema: 'presence_bridge', name: 'contact_group' })
export class ContactGroupEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The list's owner, lower-cased SMTP address. */
  @Column({ type: 'text' })
  owner!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'timestamptz' })
  createdAt!: Date;
}
