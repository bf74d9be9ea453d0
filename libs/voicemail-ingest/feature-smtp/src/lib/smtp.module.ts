import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type ModuleMetadata,
  BeforeApplicationShutdown,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { Authenticator } from '@parley/auth';
import type { SmtpConfig } from '@parley/config';
import { DirectoryRepository } from '@parley/directory';
import { Metrics } from '@parley/observability';
import { MailboxDelivery, OutboundMail } from '@parley/voicemail-ingest/feature-mailbox';
import { SendAsPolicy } from './send-as.policy';
import { SmtpFront } from './smtp-front';
import { SmtpMetrics } from './smtp.metrics';

export const SMTP_CONFIG = Symbol('SMTP_CONFIG');

/**
 * Starts the SMTP listeners once the app is up and closes them on shutdown: before the
 * application's shutdown hooks, so that a message still being stored has its database and bus.
 */
@Injectable()
export class SmtpFrontLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('SmtpFront');
  private front: SmtpFront | undefined;

  constructor(
    @Inject(SMTP_CONFIG) private readonly config: SmtpConfig,
    private readonly authenticator: Authenticator,
    private readonly directory: DirectoryRepository,
    private readonly sendAs: SendAsPolicy,
    @Optional() @Inject(MailboxDelivery) private readonly delivery?: MailboxDelivery,
    @Optional() @Inject(Metrics) private readonly metrics?: Metrics,
    @Optional() @Inject(OutboundMail) private readonly outbound?: OutboundMail,
  ) {}

  /** The running front (tests read its bound addresses). */
  get running(): SmtpFront | undefined {
    return this.front;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.delivery) {
      this.log.error('no MailboxDelivery in this process (the mailbox store module is not imported): the SMTP listeners are not started');
      return;
    }
    const metrics = this.metrics ? new SmtpMetrics(this.metrics, () => this.front?.openConnections() ?? new Map()) : undefined;
    const front = new SmtpFront(
      this.config,
      {
        delivery: this.delivery,
        outbound: this.outbound,
        authenticator: this.authenticator,
        directory: this.directory,
        sendAs: this.sendAs,
      },
      metrics,
    );
    await front.start();
    this.front = front;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.front?.stop();
    this.front = undefined;
  }
}

/**
 * voicemail-ingest's SMTP front (docs/smtp.md). Needs the process's `AuthModule` and directory
 * (both global), and `MailboxDelivery` from the mailbox store: global when the store's module is,
 * else pass that module in `imports`. Without it the listeners are not started (logged as an error).
 * `OutboundMail` (the outbound queue's module, global) is optional: without it a submission's
 * recipients outside Parley are refused as relaying.
 */
@Module({})
export class SmtpModule {
  static forRoot(config: SmtpConfig, imports: NonNullable<ModuleMetadata['imports']> = []): DynamicModule {
    return {
      module: SmtpModule,
      imports,
      providers: [{ provide: SMTP_CONFIG, useValue: config }, SendAsPolicy, SmtpFrontLifecycle],
      exports: [SmtpFrontLifecycle],
    };
  }
}
