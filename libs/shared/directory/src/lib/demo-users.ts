import { DirectoryRepository } from './directory.repository';
import { Roles } from './mailbox-user.entity';

/** Demo accounts for the embedded mode (printed at start-up; never created in production). */
export const demoUsers = [
  { smtpAddress: 'alice@parley.test', displayName: 'Alice Archer', password: 'alice-demo-pw', phoneExtension: '1001' },
  { smtpAddress: 'bob@parley.test', displayName: 'Bob Baker', password: 'bob-demo-pw', phoneExtension: '1002' },
  { smtpAddress: 'carol@parley.test', displayName: 'Carol Chen', password: 'carol-demo-pw', phoneExtension: '1003' },
  { smtpAddress: 'app@parley.test', displayName: 'Line-of-business app', password: 'app-demo-pw', phoneExtension: null },
] as const;

/** Creates the demo users that do not exist yet; the app account may impersonate everyone. */
export async function seedDemoUsers(directory: DirectoryRepository): Promise<void> {
  for (const user of demoUsers) {
    if (!(await directory.findByAddress(user.smtpAddress))) await directory.add(user);
  }
  await directory.grantRole('app@parley.test', Roles.applicationImpersonation);
}
