import type { FindMessagesRequest } from '@parley/contracts';
import { attr, children, type XmlElement } from '@parley/xml';
import { EwsError, EwsErrorCode, EwsResponseCode, NS } from '@parley/ews-gateway/soap';
import { propertyPathElements, readPropertyPath, readRestriction } from '../restriction/search-expression.reader';

export type MessageOrder = FindMessagesRequest['order'];

/**
 * FindItem's `m:Restriction` on a message folder. The store pages a folder by DateTimeReceived and
 * filters nothing, so any restriction is the per-folder error Exchange gives a property it cannot
 * query (`UnsupportedRestriction`, ErrorUnsupportedPathForQuery, or ErrorUnsupportedQueryFilter
 * for an expression no query applies); a malformed one is a schema fault.
 */
export function refuseMessageRestriction(body: XmlElement): void {
  readRestriction(body, {
    operation: 'FindItem on a message folder',
    // Every comparison "applies", so that the property is what is refused (the path echoed in MessageXml).
    comparisons: ['equal', 'notEqual', 'greaterThan', 'greaterThanOrEqual', 'lessThan', 'lessThanOrEqual'],
    property: () => undefined,
    unsupportedPathText: 'Parley lists message folders by DateTimeReceived and cannot restrict them.',
  });
}

/**
 * `m:SortOrder`: the one key the store sorts on is `item:DateTimeReceived` (Descending: newest
 * first, Exchange's default). Any other key is ErrorUnsupportedPathForSortGroup (`UnsupportedRestriction`).
 */
export function readMessageOrder(body: XmlElement): MessageOrder {
  const sortOrder = children(body, NS.MESSAGES, 'SortOrder')[0];
  const first = sortOrder === undefined ? undefined : children(sortOrder, NS.TYPES, 'FieldOrder');
  if (first === undefined || first.length === 0) return 'newest-first';
  let order: MessageOrder | undefined;
  for (const fieldOrder of first) {
    const direction = attr(fieldOrder, 'Order')?.trim();
    if (direction !== 'Ascending' && direction !== 'Descending')
      throw new EwsError(EwsErrorCode.InvalidValue, "A 'FieldOrder' needs an 'Order' of Ascending or Descending.");
    const path = children(fieldOrder, NS.TYPES)[0];
    if (path === undefined || !propertyPathElements.includes(path.local))
      throw new EwsError(EwsErrorCode.InvalidValue, "A 'FieldOrder' must contain a property path.");
    readPropertyPath(
      path,
      (p) => (p.local === 'FieldURI' && attr(p, 'FieldURI')?.trim() === 'item:DateTimeReceived' ? true : undefined),
      'Parley sorts messages by item:DateTimeReceived only.',
      EwsResponseCode.ErrorUnsupportedPathForSortGroup,
    );
    // The same key again cannot change the order the first one decided.
    order ??= direction === 'Descending' ? 'newest-first' : 'oldest-first';
  }
  return order ?? 'newest-first';
}
