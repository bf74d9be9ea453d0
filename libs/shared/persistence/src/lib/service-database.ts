import { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxPublisher, OutboxRelay } from './outbox-relay';
import { createServiceDataSource, openServiceDataSource, ServiceDataSourceOptions } from './service-data-source';
import { UnitOfWork } from './unit-of-work';

export interface ServiceDatabaseOptions extends ServiceDataSourceOptions {
  migrate: boolean;
  outboxPollMs: number;
  outboxBatchSize: number;
  onRelayError?: (error: unknown) => void;
}

/**
 * One service's database: its DataSource, unit of work and outbox relay, opened with the module
 * and closed with the application. Each service declares a subclass so that, in the embedded
 * process, every service's instance has an injection token of its own.
 */
export abstract class ServiceDatabase implements OnModuleInit, OnApplicationShutdown {
  readonly dataSource: DataSource;
  readonly unitOfWork: UnitOfWork;
  readonly relay: OutboxRelay;

  constructor(
    readonly options: ServiceDatabaseOptions,
    publisher: OutboxPublisher,
  ) {
    this.dataSource = createServiceDataSource(options);
    this.unitOfWork = new UnitOfWork(this.dataSource, options.schema);
    this.relay = new OutboxRelay(this.dataSource, publisher, {
      schema: options.schema,
      pollMs: options.outboxPollMs,
      batchSize: options.outboxBatchSize,
      onError: options.onRelayError,
    });
    this.unitOfWork.onOutboxCommit(() => this.relay.wake());
  }

  async onModuleInit(): Promise<void> {
    await openServiceDataSource(this.dataSource, { migrate: this.options.migrate });
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
