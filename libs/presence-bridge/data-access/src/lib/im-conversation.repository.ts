import type { Transaction } from '@parley/persistence';
import { DataSource } from 'typeorm';

/** An IM to add to its pair's conversation. */
export interface ConversationImRecord {
  from: string;
  to: string;
  sentAt: Date;
  text: string;
  delivered: boolean;
}

export interface StoredConversationIm {
  from: string;
  to: string;
  sentAt: Date;
  text: string;
  delivered: boolean;
}

/** A conversation whose end is due, claimed with its IMs. */
export interface EndedConversation {
  id: string;
  participants: [string, string];
  startedAt: Date;
  lastMessageAt: Date;
  messageCount: number;
  messages: StoredConversationIm[];
}

interface ConversationRow {
  id: string;
  first_party: string;
  second_party: string;
  started_at: Date;
  last_message_at: Date;
  message_count: number;
}

/** The IM conversations in progress (`im_conversation`, `im_conversation_message`): a due-queue by `ends_at`. */
export class ImConversationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Adds an IM to the conversation of its two users, opening one if they have none, and moves the
   * conversation's end to `endsAt` (never earlier). The text is kept only while the conversation
   * is within `limits` and nothing was left out before it (the kept IMs are always its beginning);
   * otherwise the IM is only counted. The upsert locks the row, so IMs of one pair apply one at a time.
   */
  async record(
    tx: Transaction,
    im: ConversationImRecord,
    newId: string,
    endsAt: Date,
    limits: { messages: number; characters: number },
  ): Promise<void> {
    const [first, second] = [im.from, im.to].sort();
    const rows: { id: string }[] = await tx.manager.query(
      `INSERT INTO presence_bridge.im_conversation (id, first_party, second_party, started_at, last_message_at, ends_at, message_count)
       VALUES ($1, $2, $3, $4, $4, $5, 1)
       ON CONFLICT (first_party, second_party) DO UPDATE SET
         last_message_at = GREATEST(im_conversation.last_message_at, EXCLUDED.last_message_at),
         ends_at = GREATEST(im_conversation.ends_at, EXCLUDED.ends_at),
         message_count = im_conversation.message_count + 1
       RETURNING id`,
      [newId, first, second, im.sentAt, endsAt],
    );
    await tx.manager.query(
      `WITH kept AS (
         UPDATE presence_bridge.im_conversation SET kept_messages = kept_messages + 1, kept_characters = kept_characters + $2
         WHERE id = $1 AND kept_messages = message_count - 1 AND kept_messages < $3 AND kept_characters + $2 <= $4
         RETURNING kept_messages - 1 AS position)
       INSERT INTO presence_bridge.im_conversation_message (conversation_id, position, sender, recipient, sent_at, text, delivered)
       SELECT $1, position, $5, $6, $7, $8, $9 FROM kept`,
      [rows[0].id, im.text.length, limits.messages, limits.characters, im.from, im.to, im.sentAt, im.text, im.delivered],
    );
  }

  /**
   * Locks up to `limit` conversations whose end is due at `now`, earliest first, skipping those
   * another replica holds, with their kept IMs in order. The caller announces and removes them in
   * the same transaction, so each ends exactly once across replicas; an IM arriving meanwhile waits
   * for the lock and then opens a new conversation.
   */
  async claimDue(tx: Transaction, now: Date, limit: number): Promise<EndedConversation[]> {
    const rows: ConversationRow[] = await tx.manager.query(
      `SELECT id, first_party, second_party, started_at, last_message_at, message_count FROM presence_bridge.im_conversation
       WHERE ends_at <= $1 ORDER BY ends_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    if (rows.length === 0) return [];
    const messages: { conversation_id: string; sender: string; recipient: string; sent_at: Date; text: string; delivered: boolean }[] =
      await tx.manager.query(
        `SELECT conversation_id, sender, recipient, sent_at, text, delivered FROM presence_bridge.im_conversation_message
         WHERE conversation_id = ANY($1::uuid[]) ORDER BY conversation_id, position`,
        [rows.map((r) => r.id)],
      );
    return rows.map((r) => ({
      id: r.id,
      participants: [r.first_party, r.second_party],
      startedAt: r.started_at,
      lastMessageAt: r.last_message_at,
      messageCount: r.message_count,
      messages: messages
        .filter((m) => m.conversation_id === r.id)
        .map((m) => ({ from: m.sender, to: m.recipient, sentAt: m.sent_at, text: m.text, delivered: m.delivered })),
    }));
  }

  /** Removes ended conversations (their IMs go by cascade). */
  async remove(tx: Transaction, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await tx.manager.query(`DELETE FROM presence_bridge.im_conversation WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /** Postpones one conversation's end (a failure to announce it alone). */
  async postpone(tx: Transaction, id: string, endsAt: Date): Promise<void> {
    await tx.manager.query(`UPDATE presence_bridge.im_conversation SET ends_at = $2 WHERE id = $1`, [id, endsAt]);
  }

  /** The earliest end of all conversations in progress; null when there are none. */
  async nextDueAt(): Promise<Date | null> {
    const rows: { due_at: Date | null }[] = await this.dataSource.query(
      `SELECT min(ends_at) AS due_at FROM presence_bridge.im_conversation`,
    );
    return rows[0]?.due_at ?? null;
  }

  /** The conversations in progress (for tests and an operator's eye). */
  async inProgress(): Promise<{ id: string; participants: [string, string]; messageCount: number; endsAt: Date }[]> {
    const rows: { id: string; first_party: string; second_party: string; message_count: number; ends_at: Date }[] =
      await this.dataSource.query(
        `SELECT id, first_party, second_party, message_count, ends_at FROM presence_bridge.im_conversation ORDER BY started_at`,
      );
    return rows.map((r) => ({ id: r.id, participants: [r.first_party, r.second_party], messageCount: r.message_count, endsAt: r.ends_at }));
  }
}
