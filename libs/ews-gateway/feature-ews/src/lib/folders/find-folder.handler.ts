import { Injectable } from '@nestjs/common';
import { el, type XmlElement, type XmlNode } from '@parley/xml';
import { NS, operationResponse, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { readFolderPage, readFolderShape, readFolderTargets, readTraversal, type FolderPage } from './folder-request.reader';
import { folderElement, type FolderView } from './folder-response.writer';
import { UnsupportedRestriction } from '../restriction/search-expression.reader';
import { matchesRestriction, readFolderRestriction, type FolderRestriction } from './folder-restriction.reader';
import { folderSpec, type FolderKind } from './mailbox-folders';
import { MailboxFolders } from './mailbox-folders.service';

/**
 * FindFolder: the subfolders (Shallow) or all descendants (Deep) of each parent, paged by
 * `IndexedPageFolderView`. Nothing is ever soft-deleted. A `Restriction` (see
 * `folder-restriction.reader.ts`) filters each listing before it is paged; one Parley cannot apply
 * is that error for every parent folder. Calendar and Tasks counts come from calendar-sync, in one
 * request for every folder shown by the whole answer.
 */
@Injectable()
export class FindFolderHandler implements EwsOperationHandler {
  readonly operation = 'FindFolder';

  constructor(private readonly folders: MailboxFolders) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const traversal = readTraversal(request.body);
    const shape = readFolderShape(request.body);
    const page = readFolderPage(request.body);
    const restriction = readRestriction(request.body);
    const parents = readFolderTargets(request.body, 'ParentFolderIds');
    const listings = parents.map((target) => {
      const resolved = this.folders.resolve(acting, target);
      if ('error' in resolved) return resolved;
      if (restriction instanceof UnsupportedRestriction) return { error: restriction.error };
      const all = traversal === 'SoftDeleted' ? [] : this.folders.descendants(resolved.kind, traversal === 'Deep');
      return { kinds: all.filter((kind) => matches(kind, restriction)) };
    });
    // Only the folders on the requested page are shown, so only they may need calendar-sync's counts.
    const shown = listings.flatMap((l) => ('kinds' in l ? pageOf(l.kinds, page).shown : []));
    const owned = await this.folders.ownedCounts(acting, shown, shape);
    const messages = listings.map((listing): ResponseMessageSpec => {
      if ('error' in listing) return listing.error;
      const paged = pageOf(listing.kinds, page);
      const views = this.folders.views(acting, paged.shown, owned);
      if ('error' in views) return views.error;
      return { content: rootFolder(views, paged, (view) => folderElement(view, shape)) };
    });
    return operationResponse('FindFolder', messages);
  }
}

/** The request's restriction, undefined without one, or the error to answer it with. */
function readRestriction(body: XmlElement): FolderRestriction | UnsupportedRestriction | undefined {
  try {
    return readFolderRestriction(body);
  } catch (error) {
    if (error instanceof UnsupportedRestriction) return error;
    throw error;
  }
}

function matches(kind: FolderKind, restriction: FolderRestriction | undefined): boolean {
  return restriction === undefined || matchesRestriction(folderSpec(kind), restriction);
}

interface Paged<T> {
  readonly shown: T[];
  readonly total: number;
  readonly indexedPagingOffset: number;
  readonly includesLast: boolean;
}

function pageOf<T>(all: readonly T[], page: FolderPage): Paged<T> {
  const total = all.length;
  const max = page.maxEntries ?? total;
  const start = page.fromEnd ? Math.max(0, total - page.offset - max) : Math.min(page.offset, total);
  const end = page.fromEnd ? Math.max(0, total - page.offset) : Math.min(total, start + max);
  return {
    shown: all.slice(start, end),
    total,
    indexedPagingOffset: page.fromEnd ? start : end,
    includesLast: page.fromEnd ? start === 0 : end === total,
  };
}

function rootFolder(views: FolderView[], paged: Paged<unknown>, write: (view: FolderView) => XmlNode): XmlNode {
  return el(
    NS.MESSAGES,
    'RootFolder',
    { IndexedPagingOffset: paged.indexedPagingOffset, TotalItemsInView: paged.total, IncludesLastItemInRange: paged.includesLast },
    [el(NS.TYPES, 'Folders', {}, views.map(write))],
  );
}
