import { type MessageFolderKind, type MessageViewKind, VOICEMAIL_ITEM_CLASS_PREFIX } from '@parley/contracts';
import type { Transaction } from '@parley/persistence';
import type { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { MailboxStateEntity } from './mailbox-state.entity';
import { MessageAttachmentEntity } from './message-attachment.entity';
import { MessageEntity } from './message.entity';

export type StoredMessage = MessageEntity;
export type StoredAttachment = MessageAttachmentEntity;
export type MailboxState = MailboxStateEntity;

/** Messages, folder totals and message-waiting counts of one view (`voicemail`: the Inbox's voicemail items). */
export interface ViewCount {
  total: number;
  unread: number;
  size: number;
}

export interface MessagePage {
  readonly messages: StoredMessage[];
  readonly total: number;
}

/** Unread (new) and read (old) voicemail in the voicemail view. */
export interface WaitingCounts {
  readonly newMessages: number;
  readonly oldMessages: number;
}

const VOICEMAIL_LIKE = `${VOICEMAIL_ITEM_CLASS_PREFIX.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The SQL condition of a view on alias `m` (its parameters are named, prefixed `view`). */
function viewCondition(view: MessageViewKind): { sql: string; params: Record<string, string> } {
  if (view === 'voicemail')
    return { sql: `m.folder = 'inbox' AND m.item_class LIKE :viewClass ESCAPE '\\'`, params: { viewClass: VOICEMAIL_LIKE } };
  return { sql: 'm.folder = :viewFolder', params: { viewFolder: view } };
}

/** Every read is confined to one mailbox; writes take a `Transaction` whose mailbox rows are locked (`lockMailboxes`). */
export class MessageRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Locks the mailboxes' state rows (created at zero when missing) for the rest of `tx`, in address
   * order so that two deliveries to overlapping recipients cannot deadlock.
   */
  async lockMailboxes(tx: Transaction, mailboxes: readonly string[]): Promise<Map<string, MailboxState>> {
    const sorted = [...new Set(mailboxes)].sort();
    // Most deliveries go to mailboxes that have a state row: lock first, create only what is missing.
    let rows = await this.lockStates(tx, sorted);
    if (rows.length < sorted.length) {
      await tx.manager.query(
        `INSERT INTO voicemail_ingest.mailbox_state (mailbox, used_bytes, waiting_new, waiting_old, waiting_revision, last_modified_at)
         SELECT unnest($1::text[]), 0, 0, 0, 0, NULL ON CONFLICT (mailbox) DO NOTHING`,
        [sorted],
      );
      rows = await this.lockStates(tx, sorted);
    }
    return new Map(rows.map((r) => [r.mailbox, r]));
  }

  private lockStates(tx: Transaction, sorted: readonly string[]): Promise<MailboxState[]> {
    return tx.manager
      .getRepository(MailboxStateEntity)
      .createQueryBuilder('s')
      .where('s.mailbox = ANY(:sorted)', { sorted })
      .orderBy('s.mailbox', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  /** Writes a state row locked by `lockMailboxes` (a plain UPDATE: the row exists, so no read first as `save` would make). */
  async saveState(tx: Transaction, state: MailboxState): Promise<void> {
    await tx.manager.query(
      `UPDATE voicemail_ingest.mailbox_state
          SET used_bytes = $2, waiting_new = $3, waiting_old = $4, waiting_revision = $5, last_modified_at = $6
        WHERE mailbox = $1`,
      [state.mailbox, state.usedBytes, state.waitingNew, state.waitingOld, state.waitingRevision, state.lastModifiedAt],
    );
  }

  async state(mailbox: string): Promise<MailboxState | null> {
    return this.dataSource.getRepository(MailboxStateEntity).findOneBy({ mailbox });
  }

  async insert(tx: Transaction, message: StoredMessage, attachments: readonly StoredAttachment[]): Promise<void> {
    await tx.manager.getRepository(MessageEntity).insert(message);
    if (attachments.length > 0) await tx.manager.getRepository(MessageAttachmentEntity).insert([...attachments]);
  }

  async find(mailbox: string, id: string): Promise<StoredMessage | null> {
    return this.dataSource.getRepository(MessageEntity).findOneBy({ mailbox, id });
  }

  /** Within `tx`, whose lock on the mailbox's state row already serializes writers. */
  async findIn(tx: Transaction, mailbox: string, id: string): Promise<StoredMessage | null> {
    return tx.manager.getRepository(MessageEntity).findOneBy({ mailbox, id });
  }

  async save(tx: Transaction, message: StoredMessage): Promise<void> {
    await tx.manager.getRepository(MessageEntity).save(message);
  }

  /** Removes the message and its attachment rows; their blobs stay until the sweeper finds them unreferenced. */
  async remove(tx: Transaction, mailbox: string, id: string): Promise<boolean> {
    const result = await tx.manager.getRepository(MessageEntity).delete({ mailbox, id });
    return (result.affected ?? 0) > 0;
  }

  async attachments(messageId: string): Promise<StoredAttachment[]> {
    return this.dataSource.getRepository(MessageAttachmentEntity).find({ where: { messageId }, order: { index: 'ASC' } });
  }

  /** An attachment of a message of `mailbox`; null when either is not there. */
  async attachment(mailbox: string, messageId: string, index: number): Promise<StoredAttachment | null> {
    return this.dataSource
      .getRepository(MessageAttachmentEntity)
      .createQueryBuilder('a')
      .innerJoin(MessageEntity, 'm', 'm.id = a.message_id')
      .where('a.message_id = :messageId AND a.index = :index AND m.mailbox = :mailbox', { messageId, index, mailbox })
      .getOne();
  }

  /** Messages [offset, offset + limit) of a view by DateTimeReceived (ties by id, so pages never overlap), and the view's total. */
  async page(
    mailbox: string,
    view: MessageViewKind,
    offset: number,
    limit: number,
    order: 'newest-first' | 'oldest-first',
  ): Promise<MessagePage> {
    const select = this.select(this.dataSource.manager, mailbox, view);
    const total = await select.clone().getCount();
    const direction = order === 'newest-first' ? 'DESC' : 'ASC';
    const messages = await select.orderBy('m.received_at', direction).addOrderBy('m.id', direction).offset(offset).limit(limit).getMany();
    return { messages, total };
  }

  /** Every message folder's and the voicemail view's totals; folders without messages count zero. */
  async counts(mailbox: string): Promise<Record<MessageViewKind, ViewCount>> {
    const rows = (await this.dataSource.query(
      `SELECT folder, (folder = 'inbox' AND item_class LIKE $2 ESCAPE '\\') AS voicemail,
              count(*)::int AS total, count(*) FILTER (WHERE NOT is_read)::int AS unread, coalesce(sum(size), 0)::bigint AS size
         FROM voicemail_ingest.message WHERE mailbox = $1 GROUP BY 1, 2`,
      [mailbox, VOICEMAIL_LIKE],
    )) as { folder: MessageFolderKind; voicemail: boolean; total: number; unread: number; size: string }[];
    const counts = {} as Record<MessageViewKind, ViewCount>;
    const add = (view: MessageViewKind, row: (typeof rows)[number]) => {
      const c = (counts[view] ??= { total: 0, unread: 0, size: 0 });
      c.total += row.total;
      c.unread += row.unread;
      c.size += Number(row.size);
    };
    for (const row of rows) {
      add(row.folder, row);
      if (row.voicemail) add('voicemail', row);
    }
    return counts;
  }

  /** The message-waiting counts recounted from the messages (the store keeps them by difference in `mailbox_state`; this checks them). */
  async waitingCounts(mailbox: string): Promise<WaitingCounts> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE NOT is_read)::int AS new, count(*) FILTER (WHERE is_read)::int AS old
         FROM voicemail_ingest.message WHERE mailbox = $1 AND folder = 'inbox' AND item_class LIKE $2 ESCAPE '\\'`,
      [mailbox, VOICEMAIL_LIKE],
    )) as { new: number; old: number }[];
    return { newMessages: row.new, oldMessages: row.old };
  }

  /** The messages of a view whose IsRead differs from `isRead` (MarkAllItemsAsRead's work list), locked by the mailbox row. */
  async withReadStateOtherThan(tx: Transaction, mailbox: string, view: MessageViewKind, isRead: boolean): Promise<StoredMessage[]> {
    return this.select(tx.manager, mailbox, view)
      .andWhere('m.is_read = :was', { was: !isRead })
      .orderBy('m.received_at')
      .addOrderBy('m.id')
      .getMany();
  }

  private select(manager: EntityManager, mailbox: string, view: MessageViewKind): SelectQueryBuilder<MessageEntity> {
    const condition = viewCondition(view);
    return manager
      .getRepository(MessageEntity)
      .createQueryBuilder('m')
      .where('m.mailbox = :mailbox', { mailbox })
      .andWhere(condition.sql, condition.params);
  }
}

/** Whether an item class is a voicemail's (the voicemail view's rule). */
export function isVoicemailItemClass(itemClass: string): boolean {
  return itemClass.startsWith(VOICEMAIL_ITEM_CLASS_PREFIX);
}
