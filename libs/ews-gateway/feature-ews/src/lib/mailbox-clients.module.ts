import { DynamicModule, Module } from '@nestjs/common';
import { Metrics } from '@parley/observability';
import { Counter } from 'prom-client';
import { FREE_BUSY_CACHE_DEFAULTS, FreeBusyCache } from './availability/free-busy-cache';
import { FreeBusyInvalidationConsumer } from './availability/free-busy-invalidation.consumer';
import { CalendarClient } from './calendar/calendar.client';
import { MessageClient } from './messages/message.client';

/** What the gateway's owner clients are configured with. */
export interface MailboxClientsOptions {
  /** How long a free/busy answer may be reused (`PARLEY_EWS_FREE_BUSY_CACHE_MS`); 0 turns the cache off. */
  freeBusyCacheTtlMs: number;
}

function freeBusyCache(options: MailboxClientsOptions, metrics: Metrics | undefined): FreeBusyCache {
  const lookups = metrics
    ? new Counter({
        name: 'parley_ews_free_busy_cache_lookups_total',
        help: 'Free/busy answers looked up in the gateway cache, by outcome (hit, miss)',
        labelNames: ['outcome'],
        registers: [metrics.registry],
      })
    : undefined;
  return new FreeBusyCache({
    ...FREE_BUSY_CACHE_DEFAULTS,
    ttlMs: options.freeBusyCacheTtlMs,
    onLookup: lookups && ((hit) => lookups.inc({ outcome: hit ? 'hit' : 'miss' })),
  });
}

/**
 * The gateway's clients of the owning services' calendars (calendar-sync) and messages
 * (voicemail-ingest), with the free/busy cache the calendar writes invalidate and the consumer
 * that follows calendar-sync's changes. Global and imported once by the gateway's service module,
 * so every front of the gateway — EWS and the Graph mailbox API — uses the same clients and one cache.
 */
@Module({})
export class MailboxClientsModule {
  static forRoot(options: MailboxClientsOptions): DynamicModule {
    return {
      module: MailboxClientsModule,
      global: true,
      controllers: [FreeBusyInvalidationConsumer],
      providers: [
        {
          provide: FreeBusyCache,
          useFactory: (metrics?: Metrics) => freeBusyCache(options, metrics),
          inject: [{ token: Metrics, optional: true }],
        },
        CalendarClient,
        MessageClient,
      ],
      exports: [FreeBusyCache, CalendarClient, MessageClient],
    };
  }
}
