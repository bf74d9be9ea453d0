import { XMLParser } from 'fast-xml-parser';
import { XML_NS as NS } from './namespaces';
import { XmlError, XmlErrorKind } from './xml-error';
import { decodeReferences, indexOfForbiddenChar } from './xml-chars';
import type { XmlAttribute, XmlElement } from './xml-element';
import { decodeInput } from './xml-input';
import { locate } from './xml-location';
import { scanStructure } from './xml-scan';

export interface XmlParseOptions {
  /** Largest accepted body in bytes. Default 16 MiB (an EWS CreateAttachment carries base64 content; other fronts pass less). */
  readonly maxBytes?: number;
  /** Deepest accepted element nesting, the root being 1. Default 64; at most 1000. */
  readonly maxDepth?: number;
  /** Most elements accepted in one document. Default 20,000. */
  readonly maxElements?: number;
  /** Most attributes on one element, namespace declarations included. Default 32. */
  readonly maxAttributesPerElement?: number;
  /** Most attributes in one document, namespace declarations included. Default 20,000. */
  readonly maxAttributes?: number;
  /** Longest attribute value, in characters as written. Default 16 KiB. */
  readonly maxAttributeLength?: number;
  /** Most characters of text directly in one element (text and CDATA, as written). Default 256 KiB. */
  readonly maxTextLength?: number;
  /** Most characters of text in one document (as written). Default 1 MiB. */
  readonly maxTotalTextLength?: number;
}

// Sized so that the costliest document within all of them parses in well under a second on one
// core (docs/benchmarks.md, "Bounded work per request"): fast-xml-parser spends ~2 µs per element
// and per attribute and builds text a character at a time (superlinear in one run's length).
export const XML_PARSE_DEFAULTS: Required<XmlParseOptions> = {
  maxBytes: 16 * 1024 * 1024,
  maxDepth: 64,
  maxElements: 20_000,
  maxAttributesPerElement: 32,
  maxAttributes: 20_000,
  maxAttributeLength: 16 * 1024,
  maxTextLength: 256 * 1024,
  maxTotalTextLength: 1024 * 1024,
};

// The tree is built recursively; the cap keeps that far from the stack limit whatever the config.
const MAX_CONFIGURABLE_DEPTH = 1000;

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRS = ':@';

/** One entry of fast-xml-parser's `preserveOrder` output. */
type OrderedEntry = Record<string, unknown>;

function malformed(message: string): XmlError {
  return new XmlError(XmlErrorKind.Malformed, message);
}

// Building a parser (option normalisation) costs about half as much as parsing a small request;
// a parser keeps no state between `parse` calls, so one per depth limit is shared.
const parsers = new Map<number, XMLParser>();

function parserFor(maxDepth: number): XMLParser {
  let parser = parsers.get(maxDepth);
  if (parser === undefined) {
    parser = createParser(maxDepth);
    parsers.set(maxDepth, parser);
  }
  return parser;
}

function createParser(maxDepth: number): XMLParser {
  return new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    textNodeName: TEXT,
    cdataPropName: CDATA,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    // Entities are expanded by `decodeReferences`, strictly; no DTD ever reaches this point anyway.
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    removeNSPrefix: false,
    allowBooleanAttributes: false,
    maxNestedTags: maxDepth + 1,
    jPath: false,
    // The library renames names such as `toString` to keep its objects safe; refuse them instead
    // of silently handing handlers a different name.
    onDangerousProperty: (name: string) => {
      throw malformed(`Name '${name}' is not accepted.`);
    },
  });
}

function resolveOptions(options: XmlParseOptions): Required<XmlParseOptions> {
  const resolved = { ...XML_PARSE_DEFAULTS, ...options };
  const positive = (v: number) => Number.isInteger(v) && v > 0;
  for (const key of [
    'maxBytes',
    'maxElements',
    'maxAttributesPerElement',
    'maxAttributes',
    'maxAttributeLength',
    'maxTextLength',
    'maxTotalTextLength',
  ] as const) {
    if (!positive(resolved[key])) throw new RangeError(`${key} must be a positive integer`);
  }
  if (!positive(resolved.maxDepth) || resolved.maxDepth > MAX_CONFIGURABLE_DEPTH) {
    throw new RangeError(`maxDepth must be an integer from 1 to ${MAX_CONFIGURABLE_DEPTH}`);
  }
  return resolved;
}

/**
 * Parses an XML document into a namespace-resolved tree, hardened for untrusted input:
 * size, then encoding, forbidden characters, one structural scan (no DTD; depth, element,
 * attribute and text limits; tag and attribute syntax — what fast-xml-parser's lenient parser
 * would let through),
 * and only then fast-xml-parser. Every refusal is an `XmlError`.
 */
export function parseXml(input: string | Uint8Array, options: XmlParseOptions = {}): XmlElement {
  const limits = resolveOptions(options);
  const xml = decodeInput(input, limits.maxBytes);

  const bad = indexOfForbiddenChar(xml);
  if (bad !== -1) {
    throw new XmlError(XmlErrorKind.Malformed, 'The request contains a character XML forbids.', locate(xml, bad));
  }
  scanStructure(xml, limits);

  let ordered: unknown;
  try {
    ordered = parserFor(limits.maxDepth).parse(xml);
  } catch (e) {
    if (e instanceof XmlError) throw e;
    throw malformed(e instanceof Error ? e.message : 'The request is not well-formed XML.');
  }
  const root = (Array.isArray(ordered) ? (ordered as OrderedEntry[]) : []).find((entry) => elementName(entry) !== undefined);
  if (root === undefined) throw malformed('The request has no root element.');
  return buildElement(root, new Map([['xml', NS.XML]]));
}

function elementName(entry: OrderedEntry): string | undefined {
  return Object.keys(entry).find((k) => k !== ATTRS && k !== TEXT && k !== CDATA);
}

function splitQName(qname: string): { prefix: string; local: string } {
  const colon = qname.indexOf(':');
  if (colon === -1) return { prefix: '', local: qname };
  const prefix = qname.slice(0, colon);
  const local = qname.slice(colon + 1);
  if (prefix === '' || local === '' || local.includes(':')) throw malformed(`'${qname}' is not a valid qualified name.`);
  return { prefix, local };
}

/** Attribute-value normalisation (XML 1.0 §3.3.3): literal whitespace becomes a space, references keep theirs. */
function attributeValue(raw: unknown): string {
  return decodeReferences(String(raw).replace(/[\t\n\r]/g, ' '));
}

function declareNamespaces(rawAttrs: Record<string, unknown>, inherited: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  let scope: Map<string, string> | undefined;
  for (const [name, raw] of Object.entries(rawAttrs)) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    const prefix = name === 'xmlns' ? '' : name.slice(6);
    const uri = attributeValue(raw);
    if (prefix === 'xmlns' || (prefix === 'xml') !== (uri === NS.XML) || uri === NS.XMLNS) {
      throw malformed(`Namespace declaration '${name}' is not allowed.`);
    }
    // Namespaces 1.0: only the default namespace can be undeclared.
    if (prefix !== '' && uri === '') throw malformed(`Prefix '${prefix}' cannot be bound to an empty namespace.`);
    scope ??= new Map(inherited);
    scope.set(prefix, uri);
  }
  return scope ?? inherited;
}

function buildElement(entry: OrderedEntry, inherited: ReadonlyMap<string, string>): XmlElement {
  const qname = elementName(entry) as string;
  const rawAttrs = (entry[ATTRS] ?? {}) as Record<string, unknown>;
  const namespaces = declareNamespaces(rawAttrs, inherited);

  const { prefix, local } = splitQName(qname);
  if (prefix === 'xmlns') throw malformed(`Element '${qname}' uses the reserved prefix 'xmlns'.`);
  const ns = namespaces.get(prefix);
  if (ns === undefined && prefix !== '') throw malformed(`Prefix '${prefix}' of element '${qname}' is not declared.`);

  const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
  const attributes: XmlAttribute[] = [];
  const seen = new Set<string>();
  for (const [name, raw] of Object.entries(rawAttrs)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const a = splitQName(name);
    const aNs = a.prefix === '' ? '' : namespaces.get(a.prefix);
    if (aNs === undefined) throw malformed(`Prefix '${a.prefix}' of attribute '${name}' is not declared.`);
    const key = `${aNs}\u0000${a.local}`;
    if (seen.has(key)) throw malformed(`Attribute '${a.local}' appears twice on '${qname}'.`);
    seen.add(key);
    const value = attributeValue(raw);
    attributes.push({ ns: aNs, local: a.local, prefix: a.prefix, value });
    if (aNs === '') attrs[a.local] = value;
  }

  const kids: XmlElement[] = [];
  let content = '';
  for (const item of (entry[qname] ?? []) as OrderedEntry[]) {
    if (TEXT in item) content += decodeReferences(String(item[TEXT]));
    else if (CDATA in item) content += ((item[CDATA] ?? []) as OrderedEntry[]).map((c) => String(c[TEXT] ?? '')).join('');
    else if (elementName(item) !== undefined) kids.push(buildElement(item, namespaces));
  }

  return { ns: ns ?? '', local, prefix, attrs, attributes, children: kids, text: content, namespaces };
}
