import { Injectable } from '@nestjs/common';
import { el, type XmlNode } from '@parley/xml';
import { NS, operationResponse, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { readFolderShape, readFolderTargets } from './folder-request.reader';
import { folderElement } from './folder-response.writer';
import { MailboxFolders } from './mailbox-folders.service';

/**
 * GetFolder: one response message per requested folder, in request order. Calendar and Tasks
 * counts come from calendar-sync, in one request for all the folders asked for.
 */
@Injectable()
export class GetFolderHandler implements EwsOperationHandler {
  readonly operation = 'GetFolder';

  constructor(private readonly folders: MailboxFolders) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const shape = readFolderShape(request.body);
    const targets = readFolderTargets(request.body, 'FolderIds');
    const resolved = targets.map((target) => this.folders.resolve(acting, target));
    const owned = await this.folders.ownedCounts(
      acting,
      resolved.flatMap((r) => ('kind' in r ? [r.kind] : [])),
      shape,
    );
    const messages = resolved.map((r): ResponseMessageSpec => {
      if ('error' in r) return r.error;
      const views = this.folders.views(acting, [r.kind], owned);
      if ('error' in views) return views.error;
      return {
        content: el(
          NS.MESSAGES,
          'Folders',
          {},
          views.map((view) => folderElement(view, shape)),
        ),
      };
    });
    return operationResponse('GetFolder', messages);
  }
}
