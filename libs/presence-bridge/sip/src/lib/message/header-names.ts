/** RFC 3261 §7.3.3 and later RFCs: one-letter compact forms, expanded on parse. */
const COMPACT: Record<string, string> = {
  i: 'Call-ID',
  m: 'Contact',
  e: 'Content-Encoding',
  l: 'Content-Length',
  c: 'Content-Type',
  f: 'From',
  s: 'Subject',
  k: 'Supported',
  t: 'To',
  v: 'Via',
  o: 'Event',
  u: 'Allow-Events',
  r: 'Refer-To',
  b: 'Referred-By',
  x: 'Session-Expires',
  y: 'Identity',
  a: 'Accept-Contact',
  j: 'Reject-Contact',
  d: 'Request-Disposition',
};

/** Spelling used when serializing; any header not listed keeps the spelling it arrived (or was set) with. */
const KNOWN = [
  ...Object.values(COMPACT),
  'Accept',
  'Accept-Encoding',
  'Accept-Language',
  'Alert-Info',
  'Allow',
  'Authentication-Info',
  'Authorization',
  'CSeq',
  'Call-Info',
  'Content-Disposition',
  'Content-Language',
  'Date',
  'Error-Info',
  'Expires',
  'In-Reply-To',
  'Max-Forwards',
  'MIME-Version',
  'Min-Expires',
  'Organization',
  'Priority',
  'Proxy-Authenticate',
  'Proxy-Authorization',
  'Proxy-Require',
  'Record-Route',
  'Reply-To',
  'Require',
  'Retry-After',
  'Route',
  'Server',
  'SIP-ETag',
  'SIP-If-Match',
  'Subscription-State',
  'Timestamp',
  'Unsupported',
  'User-Agent',
  'Warning',
  'WWW-Authenticate',
];
const CANONICAL = new Map<string, string>(KNOWN.map((name) => [name.toLowerCase(), name]));
for (const [letter, name] of Object.entries(COMPACT)) CANONICAL.set(letter, name);

/**
 * The usual spellings of the known names (canonical, lower case, compact letters in both cases) looked up as written:
 * every header of every message passes here, and lower-casing each name twice showed in the CPU profile. Other
 * spellings take the general path, so this table never grows.
 */
const SPELLINGS = new Map<string, { readonly canonical: string; readonly key: string }>();
for (const [lower, canonical] of CANONICAL) {
  const entry = { canonical, key: canonical.toLowerCase() };
  for (const spelling of [lower, lower.toUpperCase(), canonical]) SPELLINGS.set(spelling, entry);
}

/** The canonical spelling of a header name (compact forms expanded); unknown names are returned as given. */
export function canonicalHeaderName(name: string): string {
  return SPELLINGS.get(name)?.canonical ?? CANONICAL.get(name.toLowerCase()) ?? name;
}

/** The key headers are compared by: case-insensitive, compact and long forms equal. */
export function headerKey(name: string): string {
  return SPELLINGS.get(name)?.key ?? canonicalHeaderName(name).toLowerCase();
}
