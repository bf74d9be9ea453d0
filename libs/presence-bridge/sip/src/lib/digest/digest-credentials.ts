/** Digest credentials from one `Authorization` or `Proxy-Authorization` value (RFC 3261 §25.1 `credentials`, RFC 7616 §3.4). */
export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  /** The `uri` directive (digest-uri), unquoted. */
  uri: string;
  /** The `response` directive, as sent (hex; case preserved). */
  response: string;
  /** As sent; absent means MD5 (RFC 3261 §20.7 via RFC 2617). */
  algorithm?: string;
  cnonce?: string;
  opaque?: string;
  qop?: string;
  /** Exactly 8 hex digits when present. */
  nc?: string;
  /** Every directive by lower-case name, unquoted; unknown ones (auth-param) included. */
  directives: ReadonlyMap<string, string>;
}

export type CredentialsParse =
  | { kind: 'digest'; credentials: DigestCredentials }
  /** Well-formed enough to name a scheme, but not Digest (e.g. Basic): not credentials a SIP server can check. */
  | { kind: 'other-scheme'; scheme: string }
  | { kind: 'malformed'; reason: string };

/** Longest header value read: real credentials are a few hundred characters; a bound keeps hostile input cheap. */
export const MAX_CREDENTIALS_LENGTH = 4096;

const REQUIRED = ['username', 'realm', 'nonce', 'uri', 'response'] as const;
// RFC 3261 §25.1 token characters.
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
const TOKEN_CHAR = /[A-Za-z0-9\-.!%*_+`'~]/;
const NONCE_COUNT = /^[0-9a-fA-F]{8}$/;

function isWhitespace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t';
}

/** A character no header value may carry once unfolded: controls other than HTAB (CR and LF included), and DEL. */
function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09) || code === 0x7f;
}

/**
 * Parses `Digest name=value, …`. Values may be tokens or quoted strings (with `\` escapes) for every directive: clients
 * disagree on which ones they quote (`qop="auth"`, unquoted `algorithm`), and quoting changes no meaning. Refused as
 * malformed: a directive twice, a required one missing, a qop without cnonce and nc, a bad nc, an empty list element,
 * a control character, or more than {@link MAX_CREDENTIALS_LENGTH} characters.
 */
export function parseDigestCredentials(value: string): CredentialsParse {
  if (value.length > MAX_CREDENTIALS_LENGTH) return malformed('credentials too long');
  for (let i = 0; i < value.length; i++) if (isControl(value.charCodeAt(i))) return malformed('control character');

  let pos = 0;
  const skipWhitespace = (): void => {
    while (isWhitespace(value[pos])) pos++;
  };
  const readToken = (): string => {
    const start = pos;
    while (pos < value.length && TOKEN_CHAR.test(value[pos])) pos++;
    return value.slice(start, pos);
  };

  skipWhitespace();
  const scheme = readToken();
  if (!scheme) return malformed('no scheme');
  if (scheme.toLowerCase() !== 'digest') return { kind: 'other-scheme', scheme };
  if (!isWhitespace(value[pos])) return malformed('no directives');

  const directives = new Map<string, string>();
  for (;;) {
    skipWhitespace();
    const name = readToken().toLowerCase();
    if (!name) return malformed('empty directive');
    skipWhitespace();
    if (value[pos] !== '=') return malformed(`directive ${name} has no value`);
    pos++;
    skipWhitespace();
    let directiveValue: string;
    if (value[pos] === '"') {
      pos++;
      let unquoted = '';
      for (;;) {
        if (pos >= value.length) return malformed(`unterminated quoted string in ${name}`);
        const ch = value[pos++];
        if (ch === '"') break;
        if (ch === '\\') {
          if (pos >= value.length) return malformed(`unterminated quoted string in ${name}`);
          unquoted += value[pos++];
        } else unquoted += ch;
      }
      directiveValue = unquoted;
    } else {
      directiveValue = readToken();
      if (!directiveValue) return malformed(`directive ${name} has an empty value`);
    }
    if (directives.has(name)) return malformed(`duplicate directive ${name}`);
    directives.set(name, directiveValue);
    skipWhitespace();
    if (pos >= value.length) break;
    if (value[pos] !== ',') return malformed(`unexpected character after ${name}`);
    pos++;
  }

  for (const name of REQUIRED) if (!directives.has(name)) return malformed(`missing ${name}`);
  const qop = directives.get('qop');
  const nc = directives.get('nc');
  const cnonce = directives.get('cnonce');
  if (qop !== undefined && (nc === undefined || cnonce === undefined)) return malformed('qop without nc and cnonce');
  if (nc !== undefined && !NONCE_COUNT.test(nc)) return malformed('nc is not 8 hex digits');
  const algorithm = directives.get('algorithm');
  if (algorithm !== undefined && !TOKEN.test(algorithm)) return malformed('algorithm is not a token');

  return {
    kind: 'digest',
    credentials: {
      username: directives.get('username') as string,
      realm: directives.get('realm') as string,
      nonce: directives.get('nonce') as string,
      uri: directives.get('uri') as string,
      response: directives.get('response') as string,
      algorithm,
      cnonce,
      opaque: directives.get('opaque'),
      qop,
      nc,
      directives,
    },
  };
}

function malformed(reason: string): CredentialsParse {
  return { kind: 'malformed', reason };
}
