import { Injectable } from '@nestjs/common';
import { el, NS, operationResponse, type ResponseMessageSpec, type XmlNode } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { readFolderPage, readFolderShape, readFolderTargets, readTraversal, type FolderPage } from './folder-request.reader';
import { folderElement, type FolderView } from './folder-response.writer';
import { MailboxFolders } from './mailbox-folders.service';

/**
 * FindFolder: the subfolders (Shallow) or all descendants (Deep) of each parent, paged by
 * `IndexedPageFolderView`. Nothing is ever soft-deleted. A `Restriction` is not applied yet:
 * the tree is small and fixed, and clients filter the listing themselves.
 */
@Injectable()
export class FindFolderHandler implements EwsOperationHandler {
  readonly operation = 'FindFolder';

  constructor(private readonly folders: MailboxFolders) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const traversal = readTraversal(request.body);
    const shape = readFolderShape(request.body);
    const page = readFolderPage(request.body);
    const parents = readFolderTargets(request.body, 'ParentFolderIds');
    const messages = parents.map((target): ResponseMessageSpec => {
      const resolved = this.folders.resolve(acting, target);
      if ('error' in resolved) return resolved.error;
      const found = traversal === 'SoftDeleted' ? [] : this.folders.descendants(acting, resolved.kind, traversal === 'Deep');
      return { content: rootFolder(found, page, (view) => folderElement(view, shape)) };
    });
    return operationResponse('FindFolder', messages);
  }
}

function rootFolder(all: FolderView[], page: FolderPage, write: (view: FolderView) => XmlNode): XmlNode {
  const total = all.length;
  const max = page.maxEntries ?? total;
  const start = page.fromEnd ? Math.max(0, total - page.offset - max) : Math.min(page.offset, total);
  const end = page.fromEnd ? Math.max(0, total - page.offset) : Math.min(total, start + max);
  const shown = all.slice(start, end);
  const includesLast = page.fromEnd ? start === 0 : end === total;
  return el(NS.MESSAGES, 'RootFolder', { IndexedPagingOffset: page.fromEnd ? start : end, TotalItemsInView: total, IncludesLastItemInRange: includesLast }, [
    el(NS.TYPES, 'Folders', {}, shown.map(write)),
  ]);
}
