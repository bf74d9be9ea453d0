import type { DynamicModule } from '@nestjs/common';
import type { ServiceName } from '@parley/contracts';
import type { DataSource } from 'typeorm';
import type { RuntimeConfig } from './runtime-config';

export interface ServiceDatabaseSettings {
  url: string;
  poolSize: number;
  migrate: boolean;
  outboxPollMs: number;
  /** Most outbox rows the relay publishes per transaction. */
  outboxBatchSize: number;
}

/** What the bootstrap needs to know to run a service, alone or with the others in one process. */
export interface ServiceDefinition {
  /** Also picks its environment schema (service-env.ts), HTTP port included. */
  name: ServiceName;
  /** Whether it has bus handlers (then a transport server is started for it). */
  consumes: boolean;
  /** Whether a front of it authenticates callers: then the process builds its one `AuthModule` (shared by every such front). */
  authenticates: boolean;
  /** Command topics it sends requests to. */
  requestTopics: readonly string[];
  module(context: { database: ServiceDatabaseSettings; config: RuntimeConfig }): DynamicModule;
  /** Its schema's DataSource, for the migrate command; absent for stateless services. */
  createDataSource?(url: string): DataSource;
}
