import { Injectable } from '@nestjs/common';
import { el, NS, operationResponse, type ResponseMessageSpec, type XmlNode } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { readFolderShape, readFolderTargets } from './folder-request.reader';
import { folderElement } from './folder-response.writer';
import { MailboxFolders } from './mailbox-folders.service';

/** GetFolder: one response message per requested folder, in request order. */
@Injectable()
export class GetFolderHandler implements EwsOperationHandler {
  readonly operation = 'GetFolder';

  constructor(private readonly folders: MailboxFolders) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const shape = readFolderShape(request.body);
    const targets = readFolderTargets(request.body, 'FolderIds');
    const messages = targets.map((target): ResponseMessageSpec => {
      const resolved = this.folders.resolve(acting, target);
      if ('error' in resolved) return resolved.error;
      return { content: el(NS.MESSAGES, 'Folders', {}, folderElement(this.folders.view(acting, resolved.kind), shape)) };
    });
    return operationResponse('GetFolder', messages);
  }
}
