import { badRequest, USER_SEARCH_LIMITS } from '@parley/graph';

/** A directory search as `GET /users?$search=...&$top=...` asks it. */
export interface UserSearch {
  text: string;
  property: 'any' | 'displayName' | 'address';
  top: number;
}

/** Query options Graph clients send with a search that change nothing here (`$count`: Parley answers no count). */
const IGNORED_OPTIONS = new Set(['$select', '$count']);

const PROPERTIES: Record<string, UserSearch['property']> = {
  displayname: 'displayName',
  mail: 'address',
  userprincipalname: 'address',
};

/**
 * Reads `$search` — `"<text>"` in double quotes as Graph requires, optionally `"displayName:<text>"`,
 * `"mail:<text>"` or `"userPrincipalName:<text>"` — and `$top`; other OData options are refused
 * (400), `$select` and `$count` ignored.
 */
export function readUserSearch(query: URLSearchParams): UserSearch {
  for (const name of query.keys()) {
    if (name.startsWith('$') && name !== '$search' && name !== '$top' && !IGNORED_OPTIONS.has(name)) {
      throw badRequest(`Query option '${name.slice(0, 30)}' is not supported here.`);
    }
  }
  const search = query.get('$search');
  if (search === null) throw badRequest("Listing users needs '$search' (Parley's directory is searched, not listed).");
  const quoted = /^\s*"(.*)"\s*$/s.exec(search);
  if (!quoted) throw badRequest('\'$search\' must be enclosed in double quotes, e.g. $search="ali".');
  let text = quoted[1];
  let property: UserSearch['property'] = 'any';
  const prefixed = /^([A-Za-z]+):(.*)$/s.exec(text);
  if (prefixed && PROPERTIES[prefixed[1].toLowerCase()]) {
    property = PROPERTIES[prefixed[1].toLowerCase()];
    text = prefixed[2];
  }
  text = text.trim();
  if (text.length < 1) throw badRequest("'$search' needs at least one character to search for.");
  if (text.length > USER_SEARCH_LIMITS.maxSearchChars) {
    throw badRequest(`'$search' is longer than ${USER_SEARCH_LIMITS.maxSearchChars} characters.`);
  }
  return { text, property, top: readTop(query.get('$top')) };
}

function readTop(value: string | null): number {
  if (value === null) return USER_SEARCH_LIMITS.defaultTop;
  const top = /^\d{1,4}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!(top >= 1 && top <= USER_SEARCH_LIMITS.maxTop)) {
    throw badRequest(`'$top' must be a whole number from 1 to ${USER_SEARCH_LIMITS.maxTop}.`);
  }
  return top;
}
