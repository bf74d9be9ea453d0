import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { EWS_ENDPOINT_OPTIONS, type EwsEndpointOptions } from '../ews-options';
import { decodeBase64 } from '../folders/folder-ids';
import { folderKinds, type FolderKind } from '../folders/mailbox-folders';

const ITEM_STATE_VERSION = 1;
const HIERARCHY_STATE_VERSION = 1;
const MAC_BYTES = 16;
/** Marks an item sync state whose initial enumeration is done. */
const ENUMERATION_DONE = 0xffffffff;
const ITEM_STATE_BYTES = 1 + 1 + 8 + 4 + 8;
const HIERARCHY_STATE_BYTES = 1 + 1 + 4;
/** The folder tree is fixed; a change to it (CreateFolder, …) bumps this so every client's hierarchy sync starts over. */
export const HIERARCHY_REVISION = 1;

/**
 * Where a SyncFolderItems client is. `journalSeq` is the mailbox event journal's sequence the
 * client has seen every change through (during the initial enumeration: the position taken before
 * it began). While `enumeration` is set, the folder's items are still being listed from `offset`,
 * and removals from the folder up to `removalsSeenSeq` have already moved that offset back.
 */
export interface ItemSyncState {
  readonly folder: FolderKind;
  readonly journalSeq: number;
  readonly enumeration?: { readonly offset: number; readonly removalsSeenSeq: number };
}

export interface HierarchySyncState {
  readonly root: FolderKind;
  readonly revision: number;
}

/**
 * Sync states are opaque to clients: base64 of a version byte, the fields above and an
 * HMAC-SHA256 (the id secret, so every replica reads them) over the mailbox and those bytes, cut
 * to 128 bits. A state edited by the client, made for another mailbox or of another version fails
 * to decode and is `ErrorInvalidSyncStateData`, as Exchange answers an unreadable state.
 */
@Injectable()
export class SyncStates {
  private readonly secret: Buffer;

  constructor(@Inject(EWS_ENDPOINT_OPTIONS) options: Pick<EwsEndpointOptions, 'idSecret'>) {
    this.secret = Buffer.from(options.idSecret, 'utf8');
  }

  encodeItems(mailbox: string, state: ItemSyncState): string {
    const bytes = Buffer.alloc(ITEM_STATE_BYTES);
    bytes[0] = ITEM_STATE_VERSION;
    bytes[1] = folderKinds.indexOf(state.folder);
    bytes.writeBigUInt64BE(BigInt(state.journalSeq), 2);
    bytes.writeUInt32BE(state.enumeration?.offset ?? ENUMERATION_DONE, 10);
    bytes.writeBigUInt64BE(BigInt(state.enumeration?.removalsSeenSeq ?? state.journalSeq), 14);
    return this.sign('item-sync-state', mailbox, bytes);
  }

  /** The state a client sent, or undefined when it is not one this mailbox was given. */
  decodeItems(mailbox: string, value: string): ItemSyncState | undefined {
    const bytes = this.verify('item-sync-state', mailbox, value, ITEM_STATE_BYTES);
    if (!bytes || bytes[0] !== ITEM_STATE_VERSION) return undefined;
    const folder = folderKinds[bytes[1]];
    const journalSeq = safeNumber(bytes.readBigUInt64BE(2));
    const offset = bytes.readUInt32BE(10);
    const removalsSeenSeq = safeNumber(bytes.readBigUInt64BE(14));
    if (folder === undefined || journalSeq === undefined || removalsSeenSeq === undefined) return undefined;
    return offset === ENUMERATION_DONE ? { folder, journalSeq } : { folder, journalSeq, enumeration: { offset, removalsSeenSeq } };
  }

  encodeHierarchy(mailbox: string, state: HierarchySyncState): string {
    const bytes = Buffer.alloc(HIERARCHY_STATE_BYTES);
    bytes[0] = HIERARCHY_STATE_VERSION;
    bytes[1] = folderKinds.indexOf(state.root);
    bytes.writeUInt32BE(state.revision, 2);
    return this.sign('hierarchy-sync-state', mailbox, bytes);
  }

  decodeHierarchy(mailbox: string, value: string): HierarchySyncState | undefined {
    const bytes = this.verify('hierarchy-sync-state', mailbox, value, HIERARCHY_STATE_BYTES);
    if (!bytes || bytes[0] !== HIERARCHY_STATE_VERSION) return undefined;
    const root = folderKinds[bytes[1]];
    return root === undefined ? undefined : { root, revision: bytes.readUInt32BE(2) };
  }

  private sign(purpose: string, mailbox: string, bytes: Buffer): string {
    return Buffer.concat([bytes, this.mac(purpose, mailbox, bytes)]).toString('base64');
  }

  private verify(purpose: string, mailbox: string, value: string, length: number): Buffer | undefined {
    const all = decodeBase64(value.trim());
    if (!all || all.length !== length + MAC_BYTES) return undefined;
    const bytes = all.subarray(0, length);
    return timingSafeEqual(this.mac(purpose, mailbox, bytes), all.subarray(length)) ? bytes : undefined;
  }

  private mac(purpose: string, mailbox: string, bytes: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(`${purpose}\0${mailbox}\0`).update(bytes).digest().subarray(0, MAC_BYTES);
  }
}

function safeNumber(value: bigint): number | undefined {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(value);
}
