import { Injectable } from '@nestjs/common';
import { EwsError, EwsErrorCode, NS, operationResponse, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import { child, childText, el, type XmlNode } from '@parley/xml';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { CalendarAccess } from '../calendar/calendar-access';
import { calendarErrorMessage } from '../calendar/calendar-error.mapper';
import { CalendarItemException } from '../calendar/calendar.exception';
import { readFolderRef } from '../calendar/calendar-request.reader';
import { readFolderShape } from '../folders/folder-request.reader';
import { folderElement } from '../folders/folder-response.writer';
import { MailboxFolders } from '../folders/mailbox-folders.service';
import { HIERARCHY_REVISION, SyncStates } from './sync-state';

/**
 * SyncFolderHierarchy. The folder tree is fixed, so a first sync (no `SyncState`) is a Create for
 * every folder under the requested root (`SyncFolderId`, or the mailbox's root) in the requested
 * `FolderShape`, and a later sync with a state of the current hierarchy revision has no changes.
 * A state that does not verify, names another root or an older revision is `ErrorInvalidSyncStateData`.
 */
@Injectable()
export class SyncFolderHierarchyHandler implements EwsOperationHandler {
  readonly operation = 'SyncFolderHierarchy';

  constructor(
    private readonly access: CalendarAccess,
    private readonly folders: MailboxFolders,
    private readonly states: SyncStates,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const shape = readFolderShape(body);
    const syncFolder = child(body, NS.MESSAGES, 'SyncFolderId')?.children.find((c) => c.ns === NS.TYPES);
    if (child(body, NS.MESSAGES, 'SyncFolderId') && !syncFolder)
      throw new EwsError(EwsErrorCode.InvalidValue, "Element 'SyncFolderId' must contain a folder id.");
    const state = childText(body, NS.MESSAGES, 'SyncState')?.trim() || undefined;
    const mailbox = acting.mailbox.smtpAddress;
    let message: ResponseMessageSpec;
    try {
      const root = syncFolder ? this.access.folderKind(acting, readFolderRef(syncFolder)) : 'root';
      let creates: XmlNode[] = [];
      if (state !== undefined) {
        const given = this.states.decodeHierarchy(mailbox, state);
        if (given === undefined || given.root !== root || given.revision !== HIERARCHY_REVISION)
          throw new CalendarItemException('ErrorInvalidSyncStateData', 'The synchronization state data is corrupt or otherwise invalid.');
      } else {
        const kinds = this.folders.descendants(root, true);
        const owned = await this.folders.ownedCounts(acting, kinds, shape);
        const views = this.folders.views(acting, kinds, owned);
        if ('error' in views) {
          message = views.error;
          return operationResponse('SyncFolderHierarchy', [message]);
        }
        creates = views.map((view) => el(NS.TYPES, 'Create', {}, folderElement(view, shape)));
      }
      message = {
        content: [
          el(NS.MESSAGES, 'SyncState', {}, this.states.encodeHierarchy(mailbox, { root, revision: HIERARCHY_REVISION })),
          el(NS.MESSAGES, 'IncludesLastFolderInRange', {}, 'true'),
          el(NS.MESSAGES, 'Changes', {}, creates),
        ],
      };
    } catch (error) {
      message = calendarErrorMessage(error);
    }
    return operationResponse('SyncFolderHierarchy', [message]);
  }
}
