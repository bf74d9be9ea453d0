import { Injectable } from '@nestjs/common';
import { toMailboxKey } from '@parley/contracts';
import { ActingMailboxResolver, EwsAuthErrorCode, EwsAuthException, type ActingMailbox } from '@parley/ews-gateway/auth';
import { EwsResponseCode, type ErrorMessageSpec } from '@parley/ews-gateway/soap';
import { calendarErrorMessage } from '../calendar/calendar-error.mapper';
import { CalendarClient } from '../calendar/calendar.client';
import { MessageClient } from '../messages/message.client';
import { messageErrorMessage } from '../messages/message-error.mapper';
import { FolderIds } from './folder-ids';
import type { FolderShape, FolderTarget } from './folder-request.reader';
import { showsItemCount, type FolderView } from './folder-response.writer';
import {
  childFolders,
  countedByMessageStore,
  countedByOwner,
  descendantFolders,
  distinguishedFolderKind,
  folderCounts,
  folderSpec,
  type FolderKind,
  type MessageFolderCounts,
  type OwnedFolderCounts,
} from './mailbox-folders';

export type FolderResolution = { readonly kind: FolderKind } | { readonly error: ErrorMessageSpec };

/**
 * The owners' counts one GetFolder / FindFolder answer needs: for calendar-sync and for the message
 * store each, nothing (no folder it counts is shown with its count), the counts, or the per-folder
 * error to answer where they were needed.
 */
export interface OwnedCountsLookup {
  readonly counts?: OwnedFolderCounts;
  readonly error?: ErrorMessageSpec;
  readonly messages?: MessageFolderCounts;
  readonly messagesError?: ErrorMessageSpec;
}

/** Resolves folder ids and distinguished names in the acting mailbox and builds what responses show. */
@Injectable()
export class MailboxFolders {
  constructor(
    private readonly ids: FolderIds,
    private readonly acting: ActingMailboxResolver,
    private readonly calendar: CalendarClient,
    private readonly messages: MessageClient,
  ) {}

  resolve(acting: ActingMailbox, target: FolderTarget): FolderResolution {
    const mailbox = acting.mailbox.smtpAddress;
    if (target.kind === 'id') {
      const found = this.ids.lookup(mailbox, target.id);
      if ('kind' in found) return found;
      if (found.error === 'malformed')
        return { error: { responseCode: EwsResponseCode.ErrorInvalidIdMalformed, messageText: 'Id is malformed.' } };
      return { error: folderNotFound() };
    }
    if (target.mailbox !== undefined) {
      try {
        this.acting.assertOwnMailbox(acting, toMailboxKey(target.mailbox));
      } catch (error) {
        if (error instanceof EwsAuthException && error.code === EwsAuthErrorCode.AccessDenied) {
          return { error: { responseCode: EwsResponseCode.ErrorAccessDenied, messageText: error.message } };
        }
        throw error;
      }
    }
    const kind = distinguishedFolderKind(target.name);
    return kind ? { kind } : { error: folderNotFound() };
  }

  /**
   * At most one request to each owner for the whole answer, in parallel: to calendar-sync when a
   * Calendar, Tasks or Deleted Items folder is among `kinds`, to the message store when a message
   * folder or the voicemail view is, and only when `shape` writes counts. A time-out becomes the
   * per-folder `ErrorServerBusy` of the item operations; anything unexpected propagates (a fault).
   */
  async ownedCounts(acting: ActingMailbox, kinds: readonly FolderKind[], shape: FolderShape): Promise<OwnedCountsLookup> {
    if (!showsItemCount(shape)) return {};
    const mailbox = acting.mailbox.smtpAddress;
    const [calendar, messages] = await Promise.all([
      kinds.some(countedByOwner)
        ? this.calendar.folderCounts(mailbox).then(
            (counts) => ({ counts }),
            (error: unknown) => ({ error: calendarErrorMessage(error) }),
          )
        : {},
      kinds.some(countedByMessageStore)
        ? this.messages.counts(mailbox).then(
            (counts) => ({ messages: counts.folders }),
            (error: unknown) => ({ messagesError: messageErrorMessage(error) }),
          )
        : {},
    ]);
    return { ...calendar, ...messages };
  }

  /** The folders as shown, or an owner's error if one of them needed its counts and they failed. */
  views(
    acting: ActingMailbox,
    kinds: readonly FolderKind[],
    owned: OwnedCountsLookup,
  ): FolderView[] | { readonly error: ErrorMessageSpec } {
    if (owned.error !== undefined && kinds.some(countedByOwner)) return { error: owned.error };
    if (owned.messagesError !== undefined && kinds.some(countedByMessageStore)) return { error: owned.messagesError };
    return kinds.map((kind) => this.view(acting, kind, owned));
  }

  view(acting: ActingMailbox, kind: FolderKind, owned: OwnedCountsLookup = {}): FolderView {
    const mailbox = acting.mailbox.smtpAddress;
    const spec = folderSpec(kind);
    return {
      spec,
      identity: this.ids.identity(mailbox, kind),
      parent: spec.parent && this.ids.identity(mailbox, spec.parent),
      childFolderCount: childFolders(kind).length,
      counts: folderCounts(kind, owned.counts, owned.messages),
    };
  }

  /** Shallow: the children; Deep: every descendant. */
  descendants(kind: FolderKind, deep: boolean): FolderKind[] {
    return descendantFolders(kind, deep).map((spec) => spec.kind);
  }
}

function folderNotFound(): ErrorMessageSpec {
  return { responseCode: EwsResponseCode.ErrorFolderNotFound, messageText: 'The specified folder could not be found in the store.' };
}
