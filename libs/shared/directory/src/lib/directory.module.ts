import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry } from '@parley/observability';
import { createServiceDataSource, openServiceDataSource } from '@parley/persistence';
import { DataSource } from 'typeorm';
import { DigestHa1Entity } from './digest-ha1.entity';
import { DirectoryDigestHa11765300000000 } from './directory-digest-ha1.migration';
import { DirectorySipAddress1765400000000 } from './directory-sip-address.migration';
import { DirectoryInit1763900100000 } from './directory-init.migration';
import { DirectoryRepository } from './directory.repository';
import { MailboxUserEntity } from './mailbox-user.entity';
import { DirectoryWebSession1766000000000 } from './directory-web-session.migration';
import { WebSessionEntity } from './web-session.entity';
import { WebSessionRepository } from './web-session.repository';

export interface DirectoryOptions {
  url: string;
  poolSize: number;
  /** Only the process that owns migrations (the embedded app, the migrate job) sets this. */
  migrate: boolean;
  service: string;
  /** The SIP digest realm whose HA1s a password change writes (see `DirectoryRepositoryOptions`). */
  digestRealm?: string;
}

/** The directory's own DataSource (schema `directory`), shared by every service: read-only but for the web sessions. */
export function createDirectoryDataSource(opts: Omit<DirectoryOptions, 'migrate'>): DataSource {
  return createServiceDataSource({
    service: opts.service,
    schema: 'directory',
    url: opts.url,
    poolSize: opts.poolSize,
    entities: [MailboxUserEntity, DigestHa1Entity, WebSessionEntity],
    migrations: [
      DirectoryInit1763900100000,
      DirectoryDigestHa11765300000000,
      DirectorySipAddress1765400000000,
      DirectoryWebSession1766000000000,
    ],
    messaging: false,
  });
}

const DIRECTORY_DATA_SOURCE = Symbol('DIRECTORY_DATA_SOURCE');
const DIRECTORY_OPTIONS = Symbol('DIRECTORY_OPTIONS');

class DirectoryLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(DIRECTORY_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(DIRECTORY_OPTIONS) private readonly opts: DirectoryOptions,
    private readonly readiness: ReadinessRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    await openServiceDataSource(this.dataSource, { migrate: this.opts.migrate });
    this.readiness.register('directory', () => this.dataSource.query('SELECT 1').then(() => true));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

@Global()
@Module({})
export class DirectoryModule {
  static forRoot(opts: DirectoryOptions): DynamicModule {
    return {
      module: DirectoryModule,
      providers: [
        { provide: DIRECTORY_OPTIONS, useValue: opts },
        { provide: DIRECTORY_DATA_SOURCE, useFactory: () => createDirectoryDataSource(opts) },
        {
          provide: DirectoryRepository,
          useFactory: (ds: DataSource) => new DirectoryRepository(ds, { digestRealm: opts.digestRealm }),
          inject: [DIRECTORY_DATA_SOURCE],
        },
        { provide: WebSessionRepository, useFactory: (ds: DataSource) => new WebSessionRepository(ds), inject: [DIRECTORY_DATA_SOURCE] },
        DirectoryLifecycle,
      ],
      exports: [DirectoryRepository, WebSessionRepository],
    };
  }
}
