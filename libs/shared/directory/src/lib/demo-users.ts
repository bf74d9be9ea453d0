import { DirectoryRepository } from './directory.repository';
import { Roles } from './mailbox-user.entity';

/** Demo accounts for the embedded mode (printed at start-up; never created in production). */
export const demoUsers = [
  { smtpAddress: 'alice@parley.test', displayName: 'Alice Archer', password: 'alice-demo-pw', phoneExtension: '1001' },
  { smtpAddress: 'bob@parley.test', displayName: 'Bob Baker', password: 'bob-demo-pw', phoneExtension: '1002' },
  { smtpAddress: 'carol@parley.test', displayName: 'Carol Chen', password: 'carol-demo-pw', phoneExtension: '1003' },
  { smtpAddress: 'app@parley.test', displayName: 'Line-of-business app', password: 'app-demo-pw', phoneExtension: null },
] as const;

/** The demo account that is created with ApplicationImpersonation (all mailboxes). */
export const demoImpersonator = 'app@parley.test';

/**
 * Creates the demo users that do not exist yet, and nothing else: an existing user (even a
 * disabled one) keeps its password, roles and impersonation scope, whatever an administrator set.
 * The app account gets its impersonation role only when this creates it. Answers the addresses created.
 */
export async function seedDemoUsers(directory: DirectoryRepository): Promise<string[]> {
  const created: string[] = [];
  for (const user of demoUsers) {
    if (await directory.exists(user.smtpAddress)) continue;
    await directory.add(user);
    if (user.smtpAddress === demoImpersonator) await directory.grantRole(user.smtpAddress, Roles.applicationImpersonation);
    created.push(user.smtpAddress);
  }
  return created;
}
