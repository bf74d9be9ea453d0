import { attr, children, el, type XmlElement } from '@parley/xml';
import { EwsError, EwsErrorCode, EwsResponseCode, NS, type ErrorMessageSpec } from '@parley/ews-gateway/soap';

/** The comparisons of types.xsd (`IsEqualTo` … `IsLessThanOrEqualTo`). */
export type ComparisonOp = 'equal' | 'notEqual' | 'greaterThan' | 'greaterThanOrEqual' | 'lessThan' | 'lessThanOrEqual';
const comparisonElements: Readonly<Record<string, ComparisonOp>> = {
  IsEqualTo: 'equal',
  IsNotEqualTo: 'notEqual',
  IsGreaterThan: 'greaterThan',
  IsGreaterThanOrEqualTo: 'greaterThanOrEqual',
  IsLessThan: 'lessThan',
  IsLessThanOrEqualTo: 'lessThanOrEqual',
};

export type ContainmentMode = 'FullString' | 'Prefixed' | 'Substring' | 'PrefixOnWords' | 'ExactPhrase';
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

/** Every `SearchExpression` of types.xsd: one a query does not apply is valid but unsupported there. */
const searchExpressions: readonly string[] = ['Exists', 'Excludes', ...Object.keys(comparisonElements), 'Contains', 'Not', 'And', 'Or'];

/**
 * A parsed `m:Restriction` over the properties `P` a query knows, with the comparisons `C` it
 * applies. Constants stay the strings the client sent: typing them is the query's business.
 */
export type SearchExpression<P, C extends ComparisonOp> =
  | { readonly op: C; readonly property: P; readonly value: string }
  | {
      readonly op: 'contains';
      readonly property: P;
      readonly value: string;
      readonly mode: ContainmentMode;
      readonly ignoreCase: boolean;
      readonly ignoreNonSpacing: boolean;
    }
  | { readonly op: 'exists'; readonly property: P }
  | { readonly op: 'not'; readonly operand: SearchExpression<P, C> }
  | { readonly op: 'and' | 'or'; readonly operands: readonly SearchExpression<P, C>[] };

/** What one query (FindFolder, FindItem on Tasks) can restrict on. */
export interface QueryVocabulary<P, C extends ComparisonOp> {
  /** Named in the messages ("… is not supported by FindFolder."). */
  readonly operation: string;
  readonly comparisons: readonly C[];
  /** The query's property for a path element (`t:FieldURI`, …), undefined when it has none. */
  property(path: XmlElement): P | undefined;
  /** The MessageText of ErrorUnsupportedPathForQuery. */
  readonly unsupportedPathText: string;
}

/** A restriction (or sort order) Parley cannot apply as given: the per-folder error Exchange answers with. */
export class UnsupportedRestriction extends Error {
  constructor(readonly error: ErrorMessageSpec) {
    super(error.messageText);
  }
}

/**
 * Reads `m:Restriction` (absent → undefined). A malformed one is a schema violation (fault); a
 * valid one naming a property outside the vocabulary is `ErrorUnsupportedPathForQuery`, another
 * kind of expression (one the query does not apply, Excludes, comparing two properties)
 * `ErrorUnsupportedQueryFilter`, both thrown as `UnsupportedRestriction` for the handler to
 * answer per parent folder.
 */
export function readRestriction<P, C extends ComparisonOp>(
  request: XmlElement,
  vocabulary: QueryVocabulary<P, C>,
): SearchExpression<P, C> | undefined {
  const restriction = children(request, NS.MESSAGES, 'Restriction');
  if (restriction.length === 0) return undefined;
  return new ExpressionReader(vocabulary).read(single(restriction[0], 'Restriction'));
}

/** The property a path element names, or `ErrorUnsupportedPathForQuery` (the path echoed in MessageXml). */
export function readPropertyPath<P>(
  path: XmlElement,
  property: (path: XmlElement) => P | undefined,
  messageText: string,
  responseCode: ErrorMessageSpec['responseCode'] = EwsResponseCode.ErrorUnsupportedPathForQuery,
): P {
  const found = property(path);
  if (found !== undefined) return found;
  throw new UnsupportedRestriction({ responseCode, messageText, messageXml: el(NS.TYPES, path.local, { ...path.attrs }) });
}

export const propertyPathElements: readonly string[] = ['FieldURI', 'IndexedFieldURI', 'ExtendedFieldURI'];

function single(parent: XmlElement, what: string): XmlElement {
  const found = children(parent, NS.TYPES);
  if (found.length !== 1) throw new EwsError(EwsErrorCode.InvalidValue, `Element '${what}' must contain exactly one search expression.`);
  return found[0];
}

class ExpressionReader<P, C extends ComparisonOp> {
  constructor(private readonly vocabulary: QueryVocabulary<P, C>) {}

  read(expression: XmlElement): SearchExpression<P, C> {
    switch (expression.local) {
      case 'And':
      case 'Or': {
        const operands = children(expression, NS.TYPES);
        if (operands.length === 0)
          throw new EwsError(EwsErrorCode.InvalidValue, `Element '${expression.local}' must contain at least one search expression.`);
        return { op: expression.local === 'And' ? 'and' : 'or', operands: operands.map((operand) => this.read(operand)) };
      }
      case 'Not':
        return { op: 'not', operand: this.read(single(expression, 'Not')) };
      case 'Exists':
        return { op: 'exists', property: this.path(expression) };
      case 'Contains':
        return this.contains(expression);
      default:
        return this.comparison(expression);
    }
  }

  private comparison(expression: XmlElement): SearchExpression<P, C> {
    const op = comparisonElements[expression.local] as ComparisonOp | undefined;
    if (!searchExpressions.includes(expression.local))
      throw new EwsError(EwsErrorCode.InvalidValue, `Element '${expression.local.slice(0, 64)}' is not a search expression.`);
    if (op === undefined || !this.applies(op))
      throw this.unsupported(`The restriction '${expression.local}' is not supported by ${this.vocabulary.operation}.`);
    return { op, property: this.path(expression), value: this.operand(expression) };
  }

  private applies(op: ComparisonOp): op is C {
    return (this.vocabulary.comparisons as readonly ComparisonOp[]).includes(op);
  }

  /** The expression's property path: its first child (types.xsd `Path`). */
  private path(expression: XmlElement): P {
    const path = children(expression, NS.TYPES)[0];
    if (path === undefined || !propertyPathElements.includes(path.local))
      throw new EwsError(EwsErrorCode.InvalidValue, `Element '${expression.local}' must start with a property path.`);
    return readPropertyPath(path, (p) => this.vocabulary.property(p), this.vocabulary.unsupportedPathText);
  }

  /** `t:FieldURIOrConstant` → `t:Constant Value`; another path there (comparing two properties) is unsupported. */
  private operand(expression: XmlElement): string {
    const operand = children(expression, NS.TYPES, 'FieldURIOrConstant')[0];
    const inner = operand && single(operand, 'FieldURIOrConstant');
    if (inner === undefined)
      throw new EwsError(EwsErrorCode.InvalidValue, `Element '${expression.local}' must contain a 'FieldURIOrConstant' element.`);
    if (inner.local !== 'Constant')
      throw this.unsupported(`A restriction comparing two properties is not supported by ${this.vocabulary.operation}.`);
    return constantValue(inner);
  }

  /** `t:Contains`: path, `t:Constant`; ContainmentMode (absent: FullString) and ContainmentComparison (absent: Exact). */
  private contains(expression: XmlElement): SearchExpression<P, C> {
    const property = this.path(expression);
    const constant = children(expression, NS.TYPES, 'Constant')[0];
    if (constant === undefined) throw new EwsError(EwsErrorCode.InvalidValue, "Element 'Contains' must contain a 'Constant' element.");
    const mode = attr(expression, 'ContainmentMode')?.trim() ?? 'FullString';
    const comparison = attr(expression, 'ContainmentComparison')?.trim() ?? 'Exact';
    if (!containmentModes.includes(mode))
      throw new EwsError(EwsErrorCode.InvalidValue, `'${mode.slice(0, 32)}' is not a valid ContainmentMode.`);
    if (!containmentComparisons.includes(comparison))
      throw new EwsError(EwsErrorCode.InvalidValue, `'${comparison.slice(0, 32)}' is not a valid ContainmentComparison.`);
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

  private unsupported(messageText: string): UnsupportedRestriction {
    return new UnsupportedRestriction({ responseCode: EwsResponseCode.ErrorUnsupportedQueryFilter, messageText });
  }
}

function constantValue(constant: XmlElement): string {
  const value = attr(constant, 'Value');
  if (value === undefined) throw new EwsError(EwsErrorCode.InvalidValue, "Element 'Constant' must have a 'Value' attribute.");
  return value;
}
