// Public API of the hardened XML front shared by the protocol libs (EWS SOAP, SIP bodies): a parser
// for untrusted input with bounded work, and a writer that escapes whatever it is given.
export { XML_NS } from './lib/namespaces';
export { XmlError, XmlErrorKind, type XmlErrorLocation } from './lib/xml-error';
export type { XmlAttribute, XmlElement } from './lib/xml-element';
export { parseXml, XML_PARSE_DEFAULTS, type XmlParseOptions } from './lib/xml-parser';
export { attr, child, children, childText, resolveQName, text } from './lib/xml-query';
export {
  el,
  qualifiedName,
  withNamespaces,
  type XmlAttrValue,
  type XmlChild,
  type XmlContent,
  type XmlContentItem,
  type XmlNode,
} from './lib/xml-node';
export { writeXml, type XmlWriteOptions } from './lib/xml-writer';
