/** A child of an element being written: an element or a run of text. */
export type XmlChild = XmlNode | string;

/** What `el` accepts as content; `null`/`undefined`/`false` are skipped so optional parts read `cond && el(…)`. */
export type XmlContentItem = XmlNode | string | number | null | undefined | false;
export type XmlContent = XmlContentItem | readonly XmlContentItem[];

/** Attribute values; `null`/`undefined` leave the attribute out. */
export type XmlAttrValue = string | number | boolean | null | undefined;

/**
 * An element to be written. Built only through `el`, written only by `writeXml`: handlers never
 * concatenate XML, so user data always goes through the writer's escaping.
 */
export interface XmlNode {
  readonly ns: string;
  readonly local: string;
  /** Keyed by local name, or `{namespace-uri}local` (see `qualifiedName`) for a namespaced attribute. */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlChild[];
  /**
   * Extra prefix bindings to declare here, for QName-valued content such as a SOAP fault's
   * `a:ErrorSchemaValidation`; the key `''` declares the default namespace (PIDF is written that way).
   */
  readonly declarations: Readonly<Record<string, string>>;
}

/** Attribute key for a namespaced attribute, e.g. `qualifiedName(XML_NS.XML, 'lang')` → `xml:lang`. */
export function qualifiedName(ns: string, local: string): string {
  return ns === '' ? local : `{${ns}}${local}`;
}

function scalar(value: number | boolean | string, what: string): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`${what} is not a finite number`);
  return String(value);
}

/** Builds an element in namespace `ns` (`''` for none); children are written in the given order. */
export function el(ns: string, local: string, attrs: Readonly<Record<string, XmlAttrValue>> = {}, content?: XmlContent): XmlNode {
  const normalised: Record<string, string> = {};
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) normalised[name] = scalar(value, `attribute ${name}`);
  }
  const items: readonly XmlContentItem[] = Array.isArray(content) ? content : [content as XmlContentItem];
  const children: XmlChild[] = [];
  for (const item of items) {
    if (item === null || item === undefined || item === false) continue;
    children.push(typeof item === 'object' ? item : scalar(item, `content of ${local}`));
  }
  return { ns, local, attrs: normalised, children, declarations: {} };
}

/** The same element with extra namespace declarations (prefix → URI; `''` for the default namespace). */
export function withNamespaces(node: XmlNode, declarations: Readonly<Record<string, string>>): XmlNode {
  return { ...node, declarations: { ...node.declarations, ...declarations } };
}
