import { Injectable } from '@nestjs/common';
import { ActingMailboxResolver, type ActingMailbox } from '@parley/ews-gateway/auth';
import type { SoapRequest } from '@parley/ews-gateway/soap';
import { FolderIds } from '../folders/folder-ids';
import { folderKinds, type FolderKind } from '../folders/mailbox-folders';
import { CalendarItemException } from './calendar.exception';
import type { CalendarWriteContext } from './calendar-item.writer';
import type { FolderRef } from './calendar-request.reader';

/** Which folder of which mailbox a calendar request names, and what the writers need to answer it. */
@Injectable()
export class CalendarAccess {
  constructor(
    private readonly acting: ActingMailboxResolver,
    private readonly folderIds: FolderIds,
  ) {}

  /**
   * The folder a reference names in the acting mailbox. A distinguished id with another mailbox's
   * `Mailbox` is `ErrorAccessDenied` (impersonation is the way in); a folder id is looked up in
   * the acting mailbox only, so another mailbox's id is simply not found.
   */
  folderKind(acting: ActingMailbox, ref: FolderRef): FolderKind {
    if (ref.kind === 'distinguished') {
      if (ref.mailbox !== undefined) this.acting.assertOwnMailbox(acting, ref.mailbox);
      const kind = folderKinds.find((k) => k === ref.id);
      if (kind === undefined)
        throw new CalendarItemException('ErrorFolderNotFound', 'The specified folder could not be found in the store.');
      return kind;
    }
    const found = this.folderIds.lookup(acting.mailbox.smtpAddress, ref.id);
    if ('error' in found) {
      if (found.error === 'malformed') throw new CalendarItemException('ErrorInvalidIdMalformed', 'Id is malformed.');
      throw new CalendarItemException('ErrorFolderNotFound', 'The specified folder could not be found in the store.');
    }
    return found.kind;
  }

  writeContext(request: SoapRequest): CalendarWriteContext {
    const version = request.headers.requestServerVersion;
    return {
      parentFolder: (mailbox, folder) => this.folderIds.identity(mailbox, folder),
      exchange2007: version === undefined || version.startsWith('Exchange2007'),
    };
  }
}
