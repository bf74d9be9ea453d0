import type { Authenticator } from '@parley/auth';
import type { SmtpConfig } from '@parley/config';
import type { DirectoryRepository } from '@parley/directory';
import type { SendAsPolicy } from '../src/lib/send-as.policy';
import { SmtpFront } from '../src/lib/smtp-front';
import { InMemoryMailboxDelivery } from './in-memory-mailbox-delivery';

/** An SmtpFront with no one to sign in or deliver to: enough for TLS (run-smtp-front.cjs). */
export async function run(config: SmtpConfig): Promise<void> {
  const nobody = {} as Authenticator & DirectoryRepository & SendAsPolicy;
  const front = new SmtpFront(config, {
    delivery: new InMemoryMailboxDelivery({}),
    authenticator: nobody,
    directory: nobody,
    sendAs: nobody,
  });
  await front.start();
  process.on('SIGTERM', () => void front.stop().then(() => process.exit(0)));
}
