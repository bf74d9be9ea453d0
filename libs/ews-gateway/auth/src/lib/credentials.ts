/** What an `Authorization` header offers. */
export type OfferedCredentials = { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string };

/**
 * Reads `Authorization: Basic …` / `Bearer …`. A `DOMAIN\user` name becomes `user` (clients built
 * for Windows domains send it that way); the user name is otherwise the SMTP address (= UPN here).
 */
export function readAuthorization(header: string | undefined): OfferedCredentials | undefined {
  if (!header) return undefined;
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  if (!match) return undefined;
  const scheme = match[1].toLowerCase();
  if (scheme === 'bearer') return { kind: 'bearer', token: match[2] };
  if (scheme !== 'basic') return undefined;
  const decoded = Buffer.from(match[2], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const rawUser = decoded.slice(0, colon);
  const backslash = rawUser.lastIndexOf('\\');
  const user = (backslash === -1 ? rawUser : rawUser.slice(backslash + 1)).trim().toLowerCase();
  if (user === '') return undefined;
  return { kind: 'basic', user, password: decoded.slice(colon + 1) };
}
