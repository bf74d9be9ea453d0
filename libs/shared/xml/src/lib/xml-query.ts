import type { XmlElement } from './xml-element';

/** First child element with this namespace and local name. */
export function child(parent: XmlElement | undefined, ns: string, local: string): XmlElement | undefined {
  return parent?.children.find((c) => c.ns === ns && c.local === local);
}

/** Child elements, optionally only those with this namespace (and local name). */
export function children(parent: XmlElement | undefined, ns?: string, local?: string): XmlElement[] {
  if (parent === undefined) return [];
  return parent.children.filter((c) => (ns === undefined || c.ns === ns) && (local === undefined || c.local === local));
}

/** Text of an element (undefined when the element is absent). Not trimmed: `xs:string` keeps its spaces. */
export function text(el: XmlElement | undefined): string | undefined {
  return el?.text;
}

/** Text of the first matching child. */
export function childText(parent: XmlElement | undefined, ns: string, local: string): string | undefined {
  return child(parent, ns, local)?.text;
}

/** Attribute value: without `ns`, an attribute in no namespace (the usual case); with `ns`, e.g. `xsi:type` or `xml:lang`. */
export function attr(el: XmlElement | undefined, local: string, ns = ''): string | undefined {
  if (el === undefined) return undefined;
  if (ns === '') return Object.prototype.hasOwnProperty.call(el.attrs, local) ? el.attrs[local] : undefined;
  return el.attributes.find((a) => a.ns === ns && a.local === local)?.value;
}

/**
 * Resolves a QName written in content (e.g. `xsi:type="t:CalendarItemType"`) against the
 * element's in-scope namespaces. Undefined when the prefix is not bound.
 */
export function resolveQName(el: XmlElement, qname: string): { ns: string; local: string } | undefined {
  const value = qname.trim();
  const colon = value.indexOf(':');
  const prefix = colon === -1 ? '' : value.slice(0, colon);
  const local = colon === -1 ? value : value.slice(colon + 1);
  if (local === '' || local.includes(':')) return undefined;
  const ns = el.namespaces.get(prefix);
  if (ns === undefined) return prefix === '' ? { ns: '', local } : undefined;
  return { ns, local };
}
