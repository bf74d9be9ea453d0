import { Injectable } from '@nestjs/common';
import type { MessageViewKind } from '@parley/contracts';
import type { ActingMailbox } from '@parley/ews-gateway/auth';
import { EwsResponseCode } from '@parley/ews-gateway/soap';
import { CalendarAccess } from '../calendar/calendar-access';
import { CalendarItemException } from '../calendar/calendar.exception';
import type { FolderRef } from '../calendar/calendar-request.reader';
import { FolderIds } from '../folders/folder-ids';
import { messageViewKind } from '../folders/mailbox-folders';
import type { MessageWriteContext } from './message.writer';

/** Which message folder of the acting mailbox a request names (the calendar's rules: impersonation is the way into another mailbox). */
@Injectable()
export class MessageAccess {
  constructor(
    private readonly calendarAccess: CalendarAccess,
    private readonly folderIds: FolderIds,
  ) {}

  /** The message folder (or the voicemail view) a reference names; another folder of the tree is `ErrorInvalidOperation`. */
  viewKind(acting: ActingMailbox, ref: FolderRef): MessageViewKind {
    const kind = this.calendarAccess.folderKind(acting, ref);
    const view = messageViewKind(kind);
    if (view === undefined)
      throw new CalendarItemException(EwsResponseCode.ErrorInvalidOperation, `The folder '${kind}' holds no messages.`);
    return view;
  }

  writeContext(): MessageWriteContext {
    return { parentFolder: (mailbox, folder) => this.folderIds.identity(mailbox, folder) };
  }
}
