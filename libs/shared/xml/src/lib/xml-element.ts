/** An attribute with its resolved namespace (`''` for an unprefixed attribute). */
export interface XmlAttribute {
  readonly ns: string;
  readonly local: string;
  /** As written by the client; for diagnostics only — never match on it. */
  readonly prefix: string;
  readonly value: string;
}

/**
 * A parsed element with every name resolved against the `xmlns` declarations in scope.
 * Handlers match on `ns` + `local`, never on prefixes (clients use any prefix they like).
 */
export interface XmlElement {
  /** Namespace URI; `''` for an element in no namespace. */
  readonly ns: string;
  readonly local: string;
  /** As written by the client; for diagnostics only — never match on it. */
  readonly prefix: string;
  /**
   * Attributes in no namespace (a schema's own attributes: EWS `Id`, PIDF `entity`, …), keyed by
   * name. Namespaced ones (`xsi:type`, `xml:lang`) are only in `attributes`, so a client cannot
   * shadow `Id` with `x:Id`.
   */
  readonly attrs: Readonly<Record<string, string>>;
  /** Every attribute except namespace declarations, in document order. */
  readonly attributes: readonly XmlAttribute[];
  /** Child elements in document order. */
  readonly children: readonly XmlElement[];
  /**
   * Character data directly inside this element (text and CDATA, references expanded),
   * concatenated. EWS and PIDF have no mixed content, so where text sits between children is not kept.
   */
  readonly text: string;
  /** Prefix → URI bindings in scope (`''` = default namespace), to resolve QName-valued content. */
  readonly namespaces: ReadonlyMap<string, string>;
}
