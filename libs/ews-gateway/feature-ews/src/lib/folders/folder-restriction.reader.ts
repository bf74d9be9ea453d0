import { attr, children, el, EwsError, EwsErrorCode, EwsResponseCode, NS, type ErrorMessageSpec, type XmlElement } from '@parley/ews-gateway/soap';
import type { FolderSpec } from './mailbox-folders';

/** The folder properties a FindFolder restriction may test. */
type FolderProperty = 'displayName' | 'folderClass';

/**
 * A FindFolder `m:Restriction` over the fixed folder tree: IsEqualTo / IsNotEqualTo / Contains /
 * Exists on `folder:DisplayName` and `folder:FolderClass` (or their MAPI tags `0x3001` /
 * `0x3613`), combined with And / Or / Not.
 */
export type FolderRestriction =
  | { readonly op: 'equal' | 'notEqual'; readonly property: FolderProperty; readonly value: string }
  | { readonly op: 'contains'; readonly property: FolderProperty; readonly value: string; readonly mode: ContainmentMode; readonly ignoreCase: boolean; readonly ignoreNonSpacing: boolean }
  | { readonly op: 'exists'; readonly property: FolderProperty }
  | { readonly op: 'not'; readonly operand: FolderRestriction }
  | { readonly op: 'and' | 'or'; readonly operands: readonly FolderRestriction[] };

type ContainmentMode = 'FullString' | 'Prefixed' | 'Substring' | 'PrefixOnWords' | 'ExactPhrase';
const containmentModes: readonly string[] = ['FullString', 'Prefixed', 'Substring', 'PrefixOnWords', 'ExactPhrase'];
const containmentComparisons: readonly string[] = [
  'Exact',
  'IgnoreCase',
  'IgnoreNonSpacingCharacters',
  'Loose',
  'IgnoreCaseAndNonSpacingCharacters',
  'LooseAndIgnoreCase',
  'LooseAndIgnoreNonSpace',
  'LooseAndIgnoreCaseAndIgnoreNonSpace',
];

/** Every `SearchExpression` of types.xsd: the ones not listed in `readExpression` are valid but unsupported here. */
const searchExpressions: readonly string[] = [
  'Exists',
  'Excludes',
  'IsEqualTo',
  'IsNotEqualTo',
  'IsGreaterThan',
  'IsGreaterThanOrEqualTo',
  'IsLessThan',
  'IsLessThanOrEqualTo',
  'Contains',
  'Not',
  'And',
  'Or',
];

/** A restriction Parley cannot apply: the per-folder error Exchange answers with. */
export class UnsupportedRestriction extends Error {
  constructor(readonly error: ErrorMessageSpec) {
    super(error.messageText);
  }
}

/**
 * Reads `m:Restriction` (absent → undefined). A malformed one is a schema violation (fault); a
 * valid one naming another property is `ErrorUnsupportedPathForQuery`, and another kind of
 * expression (IsGreaterThan, Excludes, comparing two properties) `ErrorUnsupportedQueryFilter`,
 * both thrown as `UnsupportedRestriction` for the handler to answer per parent folder.
 */
export function readFolderRestriction(request: XmlElement): FolderRestriction | undefined {
  const restriction = children(request, NS.MESSAGES, 'Restriction');
  if (restriction.length === 0) return undefined;
  return readExpression(single(restriction[0], 'Restriction'));
}

function single(parent: XmlElement, what: string): XmlElement {
  const found = children(parent, NS.TYPES);
  if (found.length !== 1) throw new EwsError(EwsErrorCode.InvalidValue, `Element '${what}' must contain exactly one search expression.`);
  return found[0];
}

function readExpression(expression: XmlElement): FolderRestriction {
  switch (expression.local) {
    case 'And':
    case 'Or': {
      const operands = children(expression, NS.TYPES);
      if (operands.length === 0) throw new EwsError(EwsErrorCode.InvalidValue, `Element '${expression.local}' must contain at least one search expression.`);
      return { op: expression.local === 'And' ? 'and' : 'or', operands: operands.map(readExpression) };
    }
    case 'Not':
      return { op: 'not', operand: readExpression(single(expression, 'Not')) };
    case 'Exists':
      return { op: 'exists', property: readPath(expression) };
    case 'IsEqualTo':
    case 'IsNotEqualTo':
      return { op: expression.local === 'IsEqualTo' ? 'equal' : 'notEqual', property: readPath(expression), value: readOperand(expression) };
    case 'Contains':
      return readContains(expression);
    default:
      if (!searchExpressions.includes(expression.local)) throw new EwsError(EwsErrorCode.InvalidValue, `Element '${expression.local.slice(0, 64)}' is not a search expression.`);
      throw unsupportedFilter(`The restriction '${expression.local}' is not supported by FindFolder.`);
  }
}

/** The expression's property path: its first child (types.xsd `Path`). */
function readPath(expression: XmlElement): FolderProperty {
  const path = children(expression, NS.TYPES)[0];
  if (path === undefined || !['FieldURI', 'IndexedFieldURI', 'ExtendedFieldURI'].includes(path.local)) {
    throw new EwsError(EwsErrorCode.InvalidValue, `Element '${expression.local}' must start with a property path.`);
  }
  const property = folderProperty(path);
  if (property !== undefined) return property;
  throw new UnsupportedRestriction({
    responseCode: EwsResponseCode.ErrorUnsupportedPathForQuery,
    messageText: 'The property path is not supported for a folder query.',
    messageXml: el(NS.TYPES, path.local, { ...path.attrs }),
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

/** `t:FieldURIOrConstant` → `t:Constant Value`; another path there (comparing two properties) is unsupported. */
function readOperand(expression: XmlElement): string {
  const operand = children(expression, NS.TYPES, 'FieldURIOrConstant')[0];
  const inner = operand && single(operand, 'FieldURIOrConstant');
  if (inner === undefined) throw new EwsError(EwsErrorCode.InvalidValue, `Element '${expression.local}' must contain a 'FieldURIOrConstant' element.`);
  if (inner.local !== 'Constant') throw unsupportedFilter('A restriction comparing two properties is not supported by FindFolder.');
  return constantValue(inner);
}

function constantValue(constant: XmlElement): string {
  const value = attr(constant, 'Value');
  if (value === undefined) throw new EwsError(EwsErrorCode.InvalidValue, "Element 'Constant' must have a 'Value' attribute.");
  return value;
}

/** `t:Contains`: path, `t:Constant`; ContainmentMode (absent: FullString) and ContainmentComparison (absent: Exact). */
function readContains(expression: XmlElement): FolderRestriction {
  const property = readPath(expression);
  const constant = children(expression, NS.TYPES, 'Constant')[0];
  if (constant === undefined) throw new EwsError(EwsErrorCode.InvalidValue, "Element 'Contains' must contain a 'Constant' element.");
  const mode = attr(expression, 'ContainmentMode')?.trim() ?? 'FullString';
  const comparison = attr(expression, 'ContainmentComparison')?.trim() ?? 'Exact';
  if (!containmentModes.includes(mode)) throw new EwsError(EwsErrorCode.InvalidValue, `'${mode.slice(0, 32)}' is not a valid ContainmentMode.`);
  if (!containmentComparisons.includes(comparison)) throw new EwsError(EwsErrorCode.InvalidValue, `'${comparison.slice(0, 32)}' is not a valid ContainmentComparison.`);
  return {
    op: 'contains',
    property,
    value: constantValue(constant),
    mode: mode as ContainmentMode,
    // "Loose" lets the store ignore case (and more); ignoring case is the closest Parley can do.
    ignoreCase: comparison !== 'Exact' && comparison !== 'IgnoreNonSpacingCharacters',
    ignoreNonSpacing: /NonSpac/.test(comparison),
  };
}

function unsupportedFilter(messageText: string): UnsupportedRestriction {
  return new UnsupportedRestriction({ responseCode: EwsResponseCode.ErrorUnsupportedQueryFilter, messageText });
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
