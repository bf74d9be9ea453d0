import type { PresencePolicy } from '@parley/presence-bridge/presence-engine';

/** How presence-bridge's core runs on this replica (PARLEY_PRESENCE_*, PARLEY_INSTANCE_ID). */
export class PresenceCoreOptions {
  /** This replica's name: its endpoints and its lease carry it. Unique among live replicas. */
  instanceId!: string;
  /** The idle thresholds of connected clients. */
  policy!: PresencePolicy;
  /** Longest sleep of the re-evaluation poller. */
  timerPollMaxMs!: number;
  /** Most users re-evaluated per transaction. */
  timerBatchSize!: number;
  /** A replica's lease lasts this long without renewal. */
  leaseTtlMs!: number;
  /** How often the lease is renewed, expired ones are swept and idle-bound activity is written. */
  leaseRenewMs!: number;
  maxEndpointsPerUser!: number;
  /** Longest IM text in Unicode characters. */
  imMaxChars!: number;
  imReceiptTimeoutMs!: number;
  /** IMs waiting for a receipt on this replica, at most. */
  imMaxPending!: number;
  /** An IM conversation with no message for this long ends: its history is announced and its rows go. */
  imConversationIdleMs!: number;
}

/** Other limits of the core, fixed because they protect the process rather than express a policy. */
export const PresenceCoreLimits = {
  /** Targets of one snapshot (Graph's getPresencesByUserId takes up to 650 ids). */
  snapshotTargets: 1000,
  /** Characters of an endpoint's label (longer ones are cut: the label is only shown to the user). */
  endpointLabel: 128,
  /** Endpoints removed per transaction when a replica's lease has expired. */
  sweepBatch: 500,
  /** Expired leases claimed per sweep. */
  sweepLeases: 10,
} as const;
