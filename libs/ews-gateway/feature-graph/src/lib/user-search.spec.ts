import { GraphRequestError } from '@parley/graph';
import { readUserSearch } from './user-search';

const read = (query: string) => {
  try {
    return readUserSearch(new URLSearchParams(query));
  } catch (error) {
    return error instanceof GraphRequestError ? `${error.status}: ${error.message}` : String(error);
  }
};

describe('GET /users query options', () => {
  it('reads a quoted $search, optionally restricted to a property, and $top within its bounds', () => {
    expect(read('$search="ali"')).toEqual({ text: 'ali', property: 'any', top: 10 });
    expect(read('$search="displayName:Ali Baba"&$top=25&$select=id,displayName&$count=true')).toEqual({
      text: 'Ali Baba',
      property: 'displayName',
      top: 25,
    });
    expect(read('$search="mail:al"&$top=1')).toEqual({ text: 'al', property: 'address', top: 1 });
    expect(read('$search="userPrincipalName:al"')).toEqual({ text: 'al', property: 'address', top: 10 });
    expect(read('$search="50%"')).toEqual({ text: '50%', property: 'any', top: 10 });
    // An unknown prefix is part of the text.
    expect(read('$search="note:x"')).toEqual({ text: 'note:x', property: 'any', top: 10 });
  });

  it.each([
    ['no $search', ''],
    ['an unquoted search', '$search=ali'],
    ['an empty search', '$search=""'],
    ['a blank search', '$search="  "'],
    ['a property and nothing to search for', '$search="displayName:"'],
    ['a search past the limit', `$search="${'a'.repeat(257)}"`],
    ['$top 0', '$search="a"&$top=0'],
    ['$top past the maximum', '$search="a"&$top=26'],
    ['$top that is no number', '$search="a"&$top=ten'],
    ['an option Parley does not serve', '$search="a"&$filter=x'],
  ])('refuses %s with 400', (_name, query) => {
    expect(read(query)).toMatch(/^400: /);
  });
});
