import { Authenticator, ImpersonationPolicy } from '@parley/auth';
import type { SmtpConfig } from '@parley/config';
import { createDirectoryDataSource, DirectoryRepository, Roles } from '@parley/directory';
import { migrateServiceSchema } from '@parley/persistence';
import { SignInThrottle } from '@parley/sign-in';
import { createTestDatabase, freePort } from '@parley/testing';

export { freePort };
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { SendAsPolicy } from '../src/lib/send-as.policy';
import { SmtpFront } from '../src/lib/smtp-front';
import { InMemoryMailboxDelivery } from './in-memory-mailbox-delivery';
import type { InMemoryOutboundMail } from './in-memory-outbound-mail';

/** The users of the SMTP tests (a real directory on the test database). */
export const users = {
  alice: { address: 'alice@parley.test', password: 'alice-pw-1' },
  bob: { address: 'bob@parley.test', password: 'bob-pw-1' },
  /** A PBX account with the grant to send as alice (ApplicationImpersonation scoped to her). */
  pbx: { address: 'pbx@parley.test', password: 'pbx-pw-1' },
  /** Signs in wrongly until the throttle refuses it. */
  locked: { address: 'locked@parley.test', password: 'locked-pw-1' },
} as const;
/** A Parley mailbox the directory serves but the store reports full. */
export const fullMailbox = 'full@parley.test';

export interface RunningFront {
  front: SmtpFront;
  delivery: InMemoryMailboxDelivery;
  config: SmtpConfig;
  submissionPort: number;
  implicitTlsPort: number;
  relayPort: number;
}

/** A real directory (users above) and the shared sign-in; fronts started on free ports. */
export class SmtpTestBed {
  directory!: DirectoryRepository;
  authenticator!: Authenticator;
  sendAs!: SendAsPolicy;
  readonly tmp = mkdtempSync(path.join(tmpdir(), 'parley-smtp-'));
  private db!: Awaited<ReturnType<typeof createTestDatabase>>;
  private dataSource!: DataSource;
  private readonly fronts: SmtpFront[] = [];

  async setUp(): Promise<void> {
    this.db = await createTestDatabase('smtp');
    this.dataSource = createDirectoryDataSource({ url: this.db.url, poolSize: 4, service: 'smtp-test' });
    await this.dataSource.initialize();
    await migrateServiceSchema(this.dataSource);
    this.directory = new DirectoryRepository(this.dataSource);
    for (const u of Object.values(users))
      await this.directory.add({ smtpAddress: u.address, displayName: u.address, password: u.password });
    await this.directory.add({ smtpAddress: fullMailbox, displayName: 'Full', password: 'full-pw-1' });
    await this.directory.grantRole(users.pbx.address, Roles.applicationImpersonation, [users.alice.address]);
    const throttle = new SignInThrottle({
      windowMs: 60_000,
      maxFailuresPerAccountAddress: 3,
      maxFailuresPerAddress: 1000,
      accountDelayStepMs: 0,
      accountMaxDelayMs: 0,
    });
    this.authenticator = new Authenticator(this.directory, throttle, { tokenKey: undefined, credentialCacheTtlMs: 0 });
    this.sendAs = new SendAsPolicy(new ImpersonationPolicy(this.directory));
  }

  async tearDown(): Promise<void> {
    for (const front of this.fronts.splice(0)) await front.stop();
    await this.dataSource?.destroy();
    await this.db?.drop();
    rmSync(this.tmp, { recursive: true, force: true });
  }

  /** A configuration on free ports, a self-signed certificate in this bed's directory. */
  async config(overrides: Partial<SmtpConfig> = {}): Promise<SmtpConfig> {
    return {
      host: '127.0.0.1',
      submissionPort: await freePort(),
      implicitTlsPort: await freePort(),
      relayPort: await freePort(),
      relayAllowList: ['127.0.0.0/8'],
      proxyProtocolFrom: [],
      hostname: 'mx.parley.test',
      tls: undefined,
      selfSignedDir: path.join(this.tmp, 'smtp-tls'),
      maxMessageBytes: 64 * 1024,
      maxRecipients: 5,
      maxConnections: 50,
      maxConnectionsPerClient: 40,
      socketTimeoutMs: 10_000,
      maxUnauthenticatedCommands: 10,
      ...overrides,
    };
  }

  async start(overrides: Partial<SmtpConfig> = {}, delivery = defaultDelivery(), outbound?: InMemoryOutboundMail): Promise<RunningFront> {
    const config = await this.config(overrides);
    const front = new SmtpFront(config, {
      delivery,
      outbound,
      authenticator: this.authenticator,
      directory: this.directory,
      sendAs: this.sendAs,
    });
    await front.start();
    this.fronts.push(front);
    return {
      front,
      delivery,
      config,
      submissionPort: config.submissionPort,
      implicitTlsPort: config.implicitTlsPort,
      relayPort: config.relayPort,
    };
  }

  async stop(front: SmtpFront): Promise<void> {
    const index = this.fronts.indexOf(front);
    if (index >= 0) this.fronts.splice(index, 1);
    await front.stop();
  }
}

export function defaultDelivery(): InMemoryMailboxDelivery {
  return new InMemoryMailboxDelivery({
    [users.alice.address]: null,
    [users.bob.address]: null,
    [users.pbx.address]: null,
    [fullMailbox]: 0,
  });
}

/** `AUTH PLAIN` initial response. */
export function plainCredentials(user: string, password: string): string {
  return Buffer.from(`\u0000${user}\u0000${password}`, 'utf8').toString('base64');
}
