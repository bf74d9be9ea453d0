import { Injectable } from '@nestjs/common';
import type { ActingMailbox } from '@parley/ews-gateway/auth';
import { CalendarAccess } from '../calendar/calendar-access';
import type { FolderRef } from '../calendar/calendar-request.reader';
import { FolderIds } from '../folders/folder-ids';
import type { FolderKind } from '../folders/mailbox-folders';
import type { TaskWriteContext } from './task.writer';

/** Which folder of the acting mailbox a task request names (the calendar's rules: impersonation is the way into another mailbox). */
@Injectable()
export class TaskAccess {
  constructor(
    private readonly calendarAccess: CalendarAccess,
    private readonly folderIds: FolderIds,
  ) {}

  folderKind(acting: ActingMailbox, ref: FolderRef): FolderKind {
    return this.calendarAccess.folderKind(acting, ref);
  }

  /** The folder's kind, or undefined when the reference does not resolve (its handler reports why). */
  tryFolderKind(acting: ActingMailbox, ref: FolderRef): FolderKind | undefined {
    try {
      return this.folderKind(acting, ref);
    } catch {
      return undefined;
    }
  }

  writeContext(): TaskWriteContext {
    return { parentFolder: (mailbox, folder) => this.folderIds.identity(mailbox, folder) };
  }
}
