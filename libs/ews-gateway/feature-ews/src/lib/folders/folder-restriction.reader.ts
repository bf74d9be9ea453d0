import { attr, type XmlElement } from '@parley/xml';
import { readRestriction, type SearchExpression } from '../restriction/search-expression.reader';
import type { FolderSpec } from './mailbox-folders';

/** The folder properties a FindFolder restriction may test. */
type FolderProperty = 'displayName' | 'folderClass';

/**
 * A FindFolder `m:Restriction` over the fixed folder tree: IsEqualTo / IsNotEqualTo / Contains /
 * Exists on `folder:DisplayName` and `folder:FolderClass` (or their MAPI tags `0x3001` /
 * `0x3613`), combined with And / Or / Not.
 */
export type FolderRestriction = SearchExpression<FolderProperty, 'equal' | 'notEqual'>;

/**
 * Reads `m:Restriction` (absent → undefined); see `readRestriction` for the errors. Ordering
 * comparisons (IsGreaterThan …) are `ErrorUnsupportedQueryFilter` here.
 */
export function readFolderRestriction(request: XmlElement): FolderRestriction | undefined {
  return readRestriction(request, {
    operation: 'FindFolder',
    comparisons: ['equal', 'notEqual'],
    property: folderProperty,
    unsupportedPathText: 'The property path is not supported for a folder query.',
  });
}

function folderProperty(path: XmlElement): FolderProperty | undefined {
  if (path.local === 'FieldURI') {
    const uri = attr(path, 'FieldURI')?.trim();
    return uri === 'folder:DisplayName' ? 'displayName' : uri === 'folder:FolderClass' ? 'folderClass' : undefined;
  }
  if (path.local === 'ExtendedFieldURI' && attr(path, 'PropertyType')?.trim() === 'String') {
    const tag = parseInt(attr(path, 'PropertyTag')?.trim().replace(/^0x/i, '') ?? '', 16);
    return tag === 0x3001 ? 'displayName' : tag === 0x3613 ? 'folderClass' : undefined;
  }
  return undefined;
}

/**
 * Whether a folder satisfies the restriction. Equality ignores case, as Exchange compares strings
 * in restrictions; a property the folder lacks (the root's FolderClass) satisfies no comparison.
 */
export function matchesRestriction(spec: FolderSpec, restriction: FolderRestriction): boolean {
  switch (restriction.op) {
    case 'and':
      return restriction.operands.every((r) => matchesRestriction(spec, r));
    case 'or':
      return restriction.operands.some((r) => matchesRestriction(spec, r));
    case 'not':
      return !matchesRestriction(spec, restriction.operand);
    case 'exists':
      return valueOf(spec, restriction.property) !== undefined;
    case 'equal':
    case 'notEqual': {
      const value = valueOf(spec, restriction.property);
      if (value === undefined) return false;
      const equal = value.toLowerCase() === restriction.value.toLowerCase();
      return restriction.op === 'equal' ? equal : !equal;
    }
    case 'contains': {
      const value = valueOf(spec, restriction.property);
      return value !== undefined && contains(value, restriction);
    }
  }
}

function valueOf(spec: FolderSpec, property: FolderProperty): string | undefined {
  return property === 'displayName' ? spec.displayName : spec.folderClass;
}

function contains(value: string, r: Extract<FolderRestriction, { op: 'contains' }>): boolean {
  const fold = (s: string) => {
    const stripped = r.ignoreNonSpacing ? s.normalize('NFD').replace(/\p{Mn}/gu, '') : s;
    return r.ignoreCase ? stripped.toLowerCase() : stripped;
  };
  const haystack = fold(value);
  const needle = fold(r.value);
  const words = haystack.split(/\s+/).filter((w) => w !== '');
  switch (r.mode) {
    case 'FullString':
      return haystack === needle;
    case 'Prefixed':
      return haystack.startsWith(needle);
    case 'Substring':
      return haystack.includes(needle);
    case 'PrefixOnWords':
      return words.some((w) => w.startsWith(needle));
    case 'ExactPhrase': {
      const phrase = needle.split(/\s+/).filter((w) => w !== '');
      return phrase.length > 0 && words.some((_, i) => phrase.every((p, j) => words[i + j] === p));
    }
  }
}
