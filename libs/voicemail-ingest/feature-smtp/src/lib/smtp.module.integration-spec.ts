import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Authenticator, ImpersonationPolicy } from '@parley/auth';
import { DirectoryRepository } from '@parley/directory';
import { Metrics } from '@parley/observability';
import { MailboxDelivery } from '@parley/voicemail-ingest/feature-mailbox';
import nodemailer from 'nodemailer';
import { InMemoryMailboxDelivery } from '../../test/in-memory-mailbox-delivery';
import { defaultDelivery, SmtpTestBed, users } from '../../test/smtp-harness';
import { SmtpFrontLifecycle, SmtpModule } from './smtp.module';

describe('SmtpModule in a Nest application', () => {
  const bed = new SmtpTestBed();
  beforeAll(() => bed.setUp());
  afterAll(() => bed.tearDown());

  /** What the process's root gives every module: the directory and the one sign-in (global there too). */
  const metrics = new Metrics({ service: 'smtp-test', version: '0' });

  function sharedSignIn(): DynamicModule {
    @Module({})
    class SharedSignIn {}
    return {
      module: SharedSignIn,
      global: true,
      providers: [
        { provide: DirectoryRepository, useValue: bed.directory },
        { provide: Authenticator, useValue: bed.authenticator },
        { provide: ImpersonationPolicy, useValue: new ImpersonationPolicy(bed.directory) },
        { provide: Metrics, useValue: metrics },
      ],
      exports: [DirectoryRepository, Authenticator, ImpersonationPolicy, Metrics],
    };
  }

  /** Stands for the mailbox store's module: it exports MailboxDelivery. */
  function storeModule(delivery: InMemoryMailboxDelivery): DynamicModule {
    @Module({})
    class FakeStore {}
    return { module: FakeStore, providers: [{ provide: MailboxDelivery, useValue: delivery }], exports: [MailboxDelivery] };
  }

  function root(imports: DynamicModule[]): DynamicModule {
    @Module({})
    class Root {}
    return { module: Root, imports };
  }

  const configFor = () => bed.config({ implicitTlsPort: 0, relayPort: 0 });

  it('starts the listeners on bootstrap, delivers through the imported store, and closes them on shutdown', async () => {
    const delivery = defaultDelivery();
    const config = await configFor();
    const app = await NestFactory.createApplicationContext(root([sharedSignIn(), SmtpModule.forRoot(config, [storeModule(delivery)])]), {
      logger: false,
    });
    const front = app.get(SmtpFrontLifecycle).running;
    expect(front?.addresses).toEqual([{ kind: 'submission', host: '127.0.0.1', port: config.submissionPort }]);
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: config.submissionPort,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: users.alice.address, pass: users.alice.password },
    });
    await transport.sendMail({ from: users.alice.address, to: users.bob.address, text: 'through Nest' });
    expect(delivery.delivered).toHaveLength(1);
    await expect(transport.sendMail({ from: users.alice.address, to: 'nobody@parley.test', text: 'x' })).rejects.toThrow(/550/);
    const exposition = await metrics.registry.metrics();
    expect(exposition).toMatch(/parley_smtp_messages_stored_total\{listener="submission",[^}]*\} 1/);
    expect(exposition).toMatch(/parley_smtp_refusals_total\{listener="submission",code="550",[^}]*\} 1/);
    await app.close();
    await expect(transport.sendMail({ from: users.alice.address, to: users.bob.address, text: 'after close' })).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });

  it('starts no listener (and says so) when no store module provides MailboxDelivery', async () => {
    const config = await configFor();
    const app = await NestFactory.createApplicationContext(root([sharedSignIn(), SmtpModule.forRoot(config)]), { logger: false });
    expect(app.get(SmtpFrontLifecycle).running).toBeUndefined();
    await app.close();
  });
});
