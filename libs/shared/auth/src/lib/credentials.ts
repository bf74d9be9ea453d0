/** What an `Authorization` header offers. */
export type OfferedCredentials = { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string };

/** Longest user name: an SMTP address (254) with a `DOMAIN\` prefix to spare. */
const MAX_USER_LENGTH = 320;
/** Longest password checked: scrypt on megabytes is work an attacker should not get for free. */
const MAX_PASSWORD_LENGTH = 1024;
/** Longest header read at all (a bearer JWT is a few hundred bytes). */
const MAX_HEADER_LENGTH = 8192;

/** C0 and C1 controls and DEL: no user name or password contains them (PostgreSQL refuses NUL outright). */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BEARER_TOKEN = /^[A-Za-z0-9\-_.~+/]+=*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads `Authorization: Basic …` / `Bearer …`; undefined for absent, unknown or malformed ones
 * (invalid base64 or UTF-8, control characters, an empty user, absurd lengths), which all get the
 * same 401 challenge and never reach the directory. A `DOMAIN\user` name becomes `user` (clients
 * built for Windows domains send it that way); the user name is otherwise the SMTP address (= UPN).
 */
export function readAuthorization(header: string | undefined): OfferedCredentials | undefined {
  if (!header || header.length > MAX_HEADER_LENGTH) return undefined;
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  if (!match) return undefined;
  const scheme = match[1].toLowerCase();
  if (scheme === 'bearer') return BEARER_TOKEN.test(match[2]) ? { kind: 'bearer', token: match[2] } : undefined;
  if (scheme !== 'basic') return undefined;
  const decoded = decodeBase64Utf8(match[2]);
  if (decoded === undefined || CONTROL_CHARACTER.test(decoded)) return undefined;
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const credentials = readPasswordCredentials(decoded.slice(0, colon), decoded.slice(colon + 1));
  return credentials && { kind: 'basic', ...credentials };
}

/**
 * A user name and password as every password sign-in reads them (Basic, the web client's sign-in): undefined for
 * control characters, an empty user or absurd lengths; a `DOMAIN\user` name becomes `user`, lower-cased.
 */
export function readPasswordCredentials(rawUser: string, password: string): { user: string; password: string } | undefined {
  if (rawUser.length > MAX_USER_LENGTH || password.length > MAX_PASSWORD_LENGTH) return undefined;
  if (CONTROL_CHARACTER.test(rawUser) || CONTROL_CHARACTER.test(password)) return undefined;
  const backslash = rawUser.lastIndexOf('\\');
  const user = (backslash === -1 ? rawUser : rawUser.slice(backslash + 1)).trim().toLowerCase();
  if (user === '') return undefined;
  return { user, password };
}

/** Strict: Node's decoder skips invalid characters and replaces invalid UTF-8, both of which would alias credentials. */
function decodeBase64Utf8(text: string): string | undefined {
  if (!BASE64.test(text) || text.length % 4 === 1) return undefined;
  try {
    return utf8.decode(Buffer.from(text, 'base64'));
  } catch {
    return undefined;
  }
}
