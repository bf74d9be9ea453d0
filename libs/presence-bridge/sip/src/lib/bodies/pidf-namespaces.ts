/** Namespaces of presence documents. Match on these, never on the prefixes clients choose. */
export const PIDF_NS = {
  /** RFC 3863: `presence`, `tuple`, `status`, `basic`, `contact`, `note`, `timestamp`. */
  PIDF: 'urn:ietf:params:xml:ns:pidf',
  /** RFC 4479 data model: `person`, `device`, their `note` and `timestamp`. */
  DATA_MODEL: 'urn:ietf:params:xml:ns:pidf:data-model',
  /** RFC 4480 rich presence: `activities`, `user-input`, …. */
  RPID: 'urn:ietf:params:xml:ns:pidf:rpid',
  /**
   * Parley's own extension (one `state` element in the person): what standard PIDF/RPID cannot
   * say exactly (the availability number, Lync's activity token, the note's kind, the user state).
   * Other clients ignore it, as RFC 3863 requires of unknown namespaces.
   */
  PARLEY: 'urn:parley:xml:ns:pidf-presence',
} as const;

/** The prefixes written (the ones RFC 4480's examples and most clients use; some match them literally). */
export const PIDF_PREFIXES: Readonly<Record<string, string>> = {
  [PIDF_NS.DATA_MODEL]: 'dm',
  [PIDF_NS.RPID]: 'rpid',
  [PIDF_NS.PARLEY]: 'pp',
};
