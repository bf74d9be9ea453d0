import { Injectable } from '@nestjs/common';
import { toMailboxKey } from '@parley/contracts';
import { ActingMailboxResolver, EwsAuthErrorCode, EwsAuthException, type ActingMailbox } from '@parley/ews-gateway/auth';
import { EwsResponseCode, type ErrorMessageSpec } from '@parley/ews-gateway/soap';
import { calendarErrorMessage } from '../calendar/calendar-error.mapper';
import { CalendarClient } from '../calendar/calendar.client';
import { FolderIds } from './folder-ids';
import type { FolderShape, FolderTarget } from './folder-request.reader';
import { showsItemCount, type FolderView } from './folder-response.writer';
import {
  childFolders,
  countedByOwner,
  descendantFolders,
  distinguishedFolderKind,
  folderCounts,
  folderSpec,
  type FolderKind,
  type OwnedFolderCounts,
} from './mailbox-folders';

export type FolderResolution = { readonly kind: FolderKind } | { readonly error: ErrorMessageSpec };

/**
 * The owner's counts one GetFolder / FindFolder answer needs: nothing (no folder it counts is
 * shown with its count), the counts, or the per-folder error to answer where they were needed.
 */
export type OwnedCountsLookup = { readonly counts?: OwnedFolderCounts; readonly error?: ErrorMessageSpec };

/** Resolves folder ids and distinguished names in the acting mailbox and builds what responses show. */
@Injectable()
export class MailboxFolders {
  constructor(
    private readonly ids: FolderIds,
    private readonly acting: ActingMailboxResolver,
    private readonly calendar: CalendarClient,
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
   * One request to calendar-sync for the whole answer, made only when a Calendar or Tasks folder
   * is among `kinds` and `shape` writes item counts. A time-out becomes the per-folder
   * `ErrorServerBusy` of the calendar operations; anything unexpected propagates (a fault).
   */
  async ownedCounts(acting: ActingMailbox, kinds: readonly FolderKind[], shape: FolderShape): Promise<OwnedCountsLookup> {
    if (!showsItemCount(shape) || !kinds.some(countedByOwner)) return {};
    try {
      return { counts: await this.calendar.folderCounts(acting.mailbox.smtpAddress) };
    } catch (error) {
      return { error: calendarErrorMessage(error) };
    }
  }

  /** The folders as shown, or the owner's error if one of them needed its counts and they failed. */
  views(
    acting: ActingMailbox,
    kinds: readonly FolderKind[],
    owned: OwnedCountsLookup,
  ): FolderView[] | { readonly error: ErrorMessageSpec } {
    if (owned.error !== undefined && kinds.some(countedByOwner)) return { error: owned.error };
    return kinds.map((kind) => this.view(acting, kind, owned.counts));
  }

  view(acting: ActingMailbox, kind: FolderKind, owned?: OwnedFolderCounts): FolderView {
    const mailbox = acting.mailbox.smtpAddress;
    const spec = folderSpec(kind);
    return {
      spec,
      identity: this.ids.identity(mailbox, kind),
      parent: spec.parent && this.ids.identity(mailbox, spec.parent),
      childFolderCount: childFolders(kind).length,
      counts: folderCounts(kind, owned),
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
