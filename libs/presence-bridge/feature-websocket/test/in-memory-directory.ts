import type { DirectoryRepository, DirectoryUser, WebSessionRepository } from '@parley/directory';

/**
 * The directory lookups sign-in makes (`authenticate`, `findByAddress`), over a fixed table: lets the
 * real `Authenticator` (throttle, credential cache, bearer tokens) run without a database.
 */
export function inMemoryDirectory(passwords: ReadonlyMap<string, string>): DirectoryRepository {
  const userOf = (address: string): DirectoryUser | null => {
    const key = address.toLowerCase();
    return passwords.has(key)
      ? { id: key, smtpAddress: key, displayName: key, sipUri: `sip:${key}`, phoneExtension: null, roles: [], impersonationScope: null }
      : null;
  };
  const lookups: Pick<DirectoryRepository, 'authenticate' | 'findByAddress'> = {
    authenticate: async (address, password) => (passwords.get(address.toLowerCase()) === password ? userOf(address) : null),
    findByAddress: async (address) => userOf(address),
  };
  return lookups as DirectoryRepository;
}

/** A web session store without sessions (these beds sign in with Authorization only; the cookie cases run on PostgreSQL). */
export function noWebSessions(): WebSessionRepository {
  const store: Pick<WebSessionRepository, 'findByTokenHash' | 'deleteByTokenHash'> = {
    findByTokenHash: async () => null,
    deleteByTokenHash: async () => false,
  };
  return store as WebSessionRepository;
}
