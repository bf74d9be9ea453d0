import { ImpersonationPolicy } from '@parley/auth';
import type { DirectoryRepository, DirectoryUser } from '@parley/directory';
import { ActingMailboxResolver } from './acting-mailbox.resolver';
import { EwsAuthErrorCode } from './ews-auth.exception';

describe('ActingMailboxResolver', () => {
  const user = (smtpAddress: string, roles: string[] = [], impersonationScope: string[] | null = null): DirectoryUser => ({
    id: smtpAddress,
    smtpAddress,
    displayName: smtpAddress,
    sipUri: null,
    phoneExtension: null,
    roles,
    impersonationScope,
  });
  const alice = user('alice@parley.test');
  const app = user('app@parley.test', ['ApplicationImpersonation']);
  const scoped = user('scoped@parley.test', ['ApplicationImpersonation'], ['bob@parley.test']);
  const directory = {
    findByAddress: async (a: string) => [alice].find((u) => u.smtpAddress === a.toLowerCase()) ?? null,
  } as unknown as DirectoryRepository;
  const resolver = new ActingMailboxResolver(new ImpersonationPolicy(directory));
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: { code: string }) => e.code,
    );

  it('acts as the caller without impersonation, and only on their own mailbox', async () => {
    const acting = await resolver.resolve(alice, undefined);
    expect(acting.mailbox).toBe(alice);
    expect(() => resolver.assertOwnMailbox(acting, ' ALICE@parley.test')).not.toThrow();
    expect(() => resolver.assertOwnMailbox(acting, 'bob@parley.test')).toThrow(
      expect.objectContaining({ code: EwsAuthErrorCode.AccessDenied }),
    );
  });

  it('impersonates only with the role, within its scope, and only existing mailboxes', async () => {
    const target = { kind: 'SmtpAddress', value: 'Alice@parley.test' } as const;
    expect((await resolver.resolve(app, target)).mailbox).toBe(alice);
    expect(await codeOf(resolver.resolve(user('bob@parley.test'), target))).toBe(EwsAuthErrorCode.ImpersonateUserDenied);
    expect(await codeOf(resolver.resolve(scoped, target))).toBe(EwsAuthErrorCode.ImpersonateUserDenied);
    expect(await codeOf(resolver.resolve(app, { kind: 'PrincipalName', value: 'nobody@parley.test' }))).toBe(
      EwsAuthErrorCode.NonExistentMailbox,
    );
    // Without the role, a missing target is still "denied": no probing of the directory.
    expect(await codeOf(resolver.resolve(alice, { kind: 'SmtpAddress', value: 'nobody@parley.test' }))).toBe(
      EwsAuthErrorCode.ImpersonateUserDenied,
    );
  });

  it('names no mailbox by SID, and tells so only holders of the role', async () => {
    const sid = { kind: 'SID', value: 'S-1-5-21-1-2-3-1001' } as const;
    expect(await codeOf(resolver.resolve(app, sid))).toBe(EwsAuthErrorCode.NonExistentMailbox);
    expect(await codeOf(resolver.resolve(scoped, sid))).toBe(EwsAuthErrorCode.NonExistentMailbox);
    expect(await codeOf(resolver.resolve(alice, sid))).toBe(EwsAuthErrorCode.ImpersonateUserDenied);
  });
});
