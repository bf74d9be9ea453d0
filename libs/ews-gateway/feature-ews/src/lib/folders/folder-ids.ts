import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { EWS_ENDPOINT_OPTIONS, type EwsEndpointOptions } from '../ews-options';
import { folderKinds, type FolderKind } from './mailbox-folders';

const FORMAT_VERSION = 1;
const MAC_BYTES = 16;
const ID_BYTES = 2 + MAC_BYTES;
const CHANGE_KEY_BYTES = 12;
/** Folders cannot change yet; the change key includes a revision so that they can later. */
const FOLDER_REVISION = 1;

export interface FolderIdentity {
  readonly id: string;
  readonly changeKey: string;
}

export type FolderIdLookup = { kind: FolderKind } | { error: 'malformed' | 'notFound' };

/**
 * Folder ids: base64 of (format version, folder kind, HMAC-SHA256(secret, mailbox + kind)
 * truncated to 128 bits). Stable across restarts and replicas (same secret), bound to their
 * mailbox (a foreign id fails the MAC, which is indistinguishable from a forged one), and
 * unguessable without the secret. The mailbox address itself is not in the id.
 */
@Injectable()
export class FolderIds {
  private readonly secret: Buffer;

  constructor(@Inject(EWS_ENDPOINT_OPTIONS) options: Pick<EwsEndpointOptions, 'idSecret'>) {
    this.secret = Buffer.from(options.idSecret, 'utf8');
  }

  identity(mailbox: string, kind: FolderKind): FolderIdentity {
    const id = Buffer.concat([
      Buffer.from([FORMAT_VERSION, folderKinds.indexOf(kind)]),
      this.mac('folder-id', mailbox, kind).subarray(0, MAC_BYTES),
    ]);
    const changeKey = this.mac('folder-change-key', mailbox, kind, String(FOLDER_REVISION)).subarray(0, CHANGE_KEY_BYTES);
    return { id: id.toString('base64'), changeKey: changeKey.toString('base64') };
  }

  /** The folder an id names in `mailbox`'s tree. */
  lookup(mailbox: string, id: string): FolderIdLookup {
    const bytes = decodeBase64(id.trim());
    if (!bytes || bytes.length !== ID_BYTES || bytes[0] !== FORMAT_VERSION) return { error: 'malformed' };
    const kind = folderKinds[bytes[1]];
    if (kind === undefined) return { error: 'malformed' };
    const expected = this.mac('folder-id', mailbox, kind).subarray(0, MAC_BYTES);
    return timingSafeEqual(expected, bytes.subarray(2)) ? { kind } : { error: 'notFound' };
  }

  private mac(purpose: string, ...parts: string[]): Buffer {
    return createHmac('sha256', this.secret)
      .update([purpose, ...parts].join('\0'))
      .digest();
  }
}

/** Strict base64 (the canonical encoding of the decoded bytes), else undefined. */
export function decodeBase64(value: string): Buffer | undefined {
  if (value === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64');
  return bytes.toString('base64') === value ? bytes : undefined;
}
