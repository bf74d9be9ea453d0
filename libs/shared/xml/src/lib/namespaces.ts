/** The two namespaces XML itself defines (Namespaces in XML 1.0 §3). */
export const XML_NS = {
  /** Bound to the `xml` prefix by the XML spec itself; never declared. */
  XML: 'http://www.w3.org/XML/1998/namespace',
  /** Reserved for `xmlns` declarations; never used by elements or ordinary attributes. */
  XMLNS: 'http://www.w3.org/2000/xmlns/',
} as const;
