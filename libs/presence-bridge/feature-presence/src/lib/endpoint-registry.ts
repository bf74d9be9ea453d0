import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { mailboxKey } from '@parley/contracts';
import type { Transaction } from '@parley/persistence';
import { EndpointRepository, PresenceBridgeDatabase, ReplicaLeaseRepository } from '@parley/presence-bridge/data-access';
import { machineState } from '@parley/presence-bridge/presence-engine';
import { randomUUID } from 'node:crypto';
import { PresenceCoreErrorCode, PresenceCoreException } from './presence-core.exception';
import { PresenceCoreLimits, PresenceCoreOptions } from './presence-core.options';
import { EndpointHandle, PresenceEndpoints } from './presence-ports';
import { PresenceViewPublisher } from './presence-view.publisher';

interface LocalEndpoint {
  readonly id: string;
  readonly mailbox: string;
  readonly label: string;
  readonly connectedAt: Date;
  /** The activity the database holds (ms since the epoch). */
  stored: number;
  /** The newest activity the client reported (never ahead of the clock), at least `stored`. */
  latest: number;
  /** A write of `latest` is queued or running. */
  writePending: boolean;
  /** This endpoint's writes, one after the other. */
  writes: Promise<void>;
  closing: Promise<void> | null;
}

/**
 * PresenceEndpoints across replicas. A connected client is a row of `endpoint` with this replica's
 * instance id, written (with a republication of its user) when it connects and deleted when it
 * closes. Each replica holds a lease (`replica_lease`) that it renews every `leaseRenewMs`; an
 * endpoint counts for presence only while its replica's lease is valid, and any live replica removes
 * the endpoints of an expired lease and republishes their users, so the users of a killed replica go
 * offline about `leaseTtlMs` after it died instead of staying Available for ever.
 *
 * Activity is the one input that can change many times a second, so it is written only when it
 * matters (see `reportActivity`).
 */
@Injectable()
export class EndpointRegistry extends PresenceEndpoints implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('PresenceEndpoints');
  private readonly local = new Map<string, LocalEndpoint>();
  /** Endpoints whose removal failed (database unreachable): retried every tick until gone. */
  private readonly unremoved = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private running = false;
  /** The lease had been lost: this replica's endpoints must be written again (retried each tick until done). */
  private restoring = false;

  constructor(
    private readonly db: PresenceBridgeDatabase,
    private readonly endpoints: EndpointRepository,
    private readonly leases: ReplicaLeaseRepository,
    private readonly publisher: PresenceViewPublisher,
    private readonly options: PresenceCoreOptions,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  /** Before the database closes: this replica's clients stop counting now, not when its lease would have run out. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Takes the lease and removes what an earlier run under the same instance id left behind. */
  async start(): Promise<void> {
    if (this.running) return;
    const now = new Date();
    await this.leases.register(this.options.instanceId, now, new Date(now.getTime() + this.options.leaseTtlMs));
    await this.removeEndpointsOf(this.options.instanceId, { onlyIfExpired: false });
    this.running = true;
    this.schedule();
  }

  /** Stops the heartbeat, removes this replica's endpoints (republishing their users) and gives the lease up. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    const open = [...this.local.values()];
    this.local.clear();
    await Promise.all(open.map((e) => e.writes));
    try {
      await this.removeEndpointsOf(this.options.instanceId, { onlyIfExpired: false });
      await this.leases.release(this.options.instanceId);
    } catch (error) {
      // Shutting down goes on: the lease runs out and another replica (or the next start) removes them.
      this.logger.error(`this replica's endpoints could not be removed at shutdown; its lease will expire: ${String(error)}`);
    }
  }

  async connect(mailbox: string, client: { label: string }): Promise<EndpointHandle> {
    const parsed = mailboxKey.safeParse(mailbox);
    if (!parsed.success) throw new PresenceCoreException(PresenceCoreErrorCode.InvalidAddress, `"${mailbox}" is not an SMTP address`);
    const user = parsed.data;
    const label = [...client.label.trim()].slice(0, PresenceCoreLimits.endpointLabel).join('') || 'client';
    const id = randomUUID();
    const now = new Date();
    await this.db.unitOfWork.run(async (tx) => {
      const locked = await this.publisher.lockUser(tx, user);
      if ((await this.endpoints.countOf(tx, user, now)) >= this.options.maxEndpointsPerUser) {
        throw new PresenceCoreException(
          PresenceCoreErrorCode.TooManyEndpoints,
          `at most ${this.options.maxEndpointsPerUser} clients of one user may be connected at once`,
        );
      }
      await this.endpoints.insert(tx, { id, mailbox: user, instanceId: this.options.instanceId, label, connectedAt: now });
      // The row locked above, so republish does not lock it again (two statements fewer per connect).
      await this.publisher.republish(tx, user, now, { locked });
    });
    const endpoint: LocalEndpoint = {
      id,
      mailbox: user,
      label,
      connectedAt: now,
      stored: now.getTime(),
      latest: now.getTime(),
      writePending: false,
      writes: Promise.resolve(),
      closing: null,
    };
    this.local.set(id, endpoint);
    return {
      endpointId: id,
      reportActivity: (at) => this.reportActivity(endpoint, at),
      close: () => this.close(endpoint),
    };
  }

  /** Connected endpoints held by this replica. */
  get size(): number {
    return this.local.size;
  }

  /**
   * The rule for writing activity: a report is written (and the user republished) at once only
   * when it changes what watchers see, i.e. when the activity the database holds already makes
   * the endpoint inactive or away; the newer activity makes it active again. Otherwise the report
   * only moves `latest` in memory: the endpoint is active either way. The heartbeat then writes
   * the newest activity of endpoints whose stored activity would cross the idle threshold before
   * the next tick but one (one UPDATE for all of them, no publication), so the re-evaluation due
   * at that threshold finds them still active and publishes nothing. A client in continuous use
   * therefore costs one row update per idle period, not one per keystroke.
   */
  private reportActivity(endpoint: LocalEndpoint, at: Date): void {
    if (endpoint.closing) return;
    const now = Date.now();
    const reported = Math.min(at.getTime(), now);
    if (!Number.isFinite(reported) || reported <= endpoint.latest) return;
    endpoint.latest = reported;
    if (!this.storedActive(endpoint, now)) this.queueWrite(endpoint);
  }

  private storedActive(endpoint: LocalEndpoint, now: number): boolean {
    return machineState({ endpointId: endpoint.id, label: '', lastActivityAt: endpoint.stored }, now, this.options.policy) === 'active';
  }

  /** Writes `latest` and republishes the user (one write queued per endpoint at a time). */
  private queueWrite(endpoint: LocalEndpoint): void {
    if (endpoint.writePending) return;
    endpoint.writePending = true;
    endpoint.writes = endpoint.writes.then(async () => {
      endpoint.writePending = false;
      if (endpoint.closing) return;
      const activity = endpoint.latest;
      try {
        const now = new Date();
        await this.db.unitOfWork.run(async (tx) => {
          const locked = await this.publisher.lockUser(tx, endpoint.mailbox);
          if ((await this.endpoints.touch(tx, endpoint.id, new Date(activity))) === null) return;
          await this.publisher.republish(tx, endpoint.mailbox, now, { locked });
        });
        endpoint.stored = Math.max(endpoint.stored, activity);
      } catch (error) {
        // The heartbeat tries again (the endpoint still looks idle to it).
        this.logger.warn(`activity of an endpoint of ${endpoint.mailbox} could not be written: ${String(error)}`);
      }
    });
  }

  private close(endpoint: LocalEndpoint): Promise<void> {
    endpoint.closing ??= (async () => {
      this.local.delete(endpoint.id);
      await endpoint.writes;
      try {
        await this.remove(endpoint.id, endpoint.mailbox);
      } catch (error) {
        this.unremoved.set(endpoint.id, endpoint.mailbox);
        this.logger.error(`an endpoint of ${endpoint.mailbox} could not be removed; retrying with the heartbeat: ${String(error)}`);
      }
    })();
    return endpoint.closing;
  }

  private async remove(id: string, mailbox: string): Promise<void> {
    const now = new Date();
    await this.db.unitOfWork.run(async (tx) => {
      const locked = await this.publisher.lockUser(tx, mailbox);
      if (await this.endpoints.delete(tx, id)) await this.publisher.republish(tx, mailbox, now, { locked });
    });
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ticking = this.tick().finally(() => {
        this.ticking = null;
        this.schedule();
      });
    }, this.options.leaseRenewMs);
    this.timer.unref();
  }

  /** One heartbeat: renew (or win back) the lease, write idle-bound activity, retry failed removals, sweep expired replicas. */
  async tick(): Promise<void> {
    const steps: [string, () => Promise<void>][] = [
      ['renewing the lease', () => this.renewLease()],
      ['writing client activity', () => this.flushActivity()],
      ['removing closed endpoints', () => this.retryRemovals()],
      ['removing the endpoints of expired replicas', () => this.sweep()],
    ];
    for (const [what, step] of steps) {
      try {
        await step();
      } catch (error) {
        this.logger.error(`presence heartbeat: ${what} failed: ${String(error)}`);
      }
    }
  }

  private async renewLease(): Promise<void> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.options.leaseTtlMs);
    if (!(await this.leases.renew(this.options.instanceId, now, expiresAt))) {
      // Expired (this process stalled, or lost the database for a while) and perhaps swept already:
      // this replica's clients are still connected, so they must count again.
      this.logger.warn(`this replica's lease had expired; registering its ${this.local.size} endpoints again`);
      await this.leases.register(this.options.instanceId, now, expiresAt);
      this.restoring = true;
    }
    if (!this.restoring) return;
    for (const endpoint of [...this.local.values()]) {
      if (endpoint.closing) continue;
      const activity = endpoint.latest;
      await this.db.unitOfWork.run(async (tx) => {
        await this.publisher.lockUser(tx, endpoint.mailbox);
        const row = { id: endpoint.id, mailbox: endpoint.mailbox, instanceId: this.options.instanceId, label: endpoint.label };
        await this.endpoints.insertIfAbsent(tx, { ...row, connectedAt: endpoint.connectedAt }, new Date(activity));
        await this.publisher.republish(tx, endpoint.mailbox, new Date());
      });
      endpoint.stored = Math.max(endpoint.stored, activity);
    }
    this.restoring = false;
  }

  private async flushActivity(): Promise<void> {
    const now = Date.now();
    const horizon = now + 2 * this.options.leaseRenewMs;
    const soonIdle: LocalEndpoint[] = [];
    for (const endpoint of this.local.values()) {
      if (endpoint.closing || endpoint.latest <= endpoint.stored) continue;
      if (!this.storedActive(endpoint, now)) this.queueWrite(endpoint);
      else if (endpoint.stored + this.options.policy.idleAfterMs <= horizon) soonIdle.push(endpoint);
    }
    if (soonIdle.length === 0) return;
    const written = soonIdle.map((e) => ({ id: e.id, at: new Date(e.latest) }));
    await this.endpoints.touchMany(written);
    for (const [i, endpoint] of soonIdle.entries()) endpoint.stored = Math.max(endpoint.stored, written[i].at.getTime());
  }

  private async retryRemovals(): Promise<void> {
    for (const [id, mailbox] of [...this.unremoved]) {
      await this.remove(id, mailbox);
      this.unremoved.delete(id);
    }
  }

  /** Removes the endpoints of replicas whose lease expired (and of none at all), republishing their users. */
  private async sweep(): Promise<void> {
    const now = new Date();
    const expired = await this.db.unitOfWork.run((tx) => this.leases.claimExpired(tx, now, PresenceCoreLimits.sweepLeases));
    for (const instanceId of expired) {
      if (instanceId === this.options.instanceId) continue;
      const removed = await this.removeEndpointsOf(instanceId, { onlyIfExpired: true });
      if (removed > 0) this.logger.warn(`replica ${instanceId}'s lease expired: removed its ${removed} endpoints`);
    }
    for (;;) {
      const users = await this.db.unitOfWork.run(async (tx) => {
        const mailboxes = await this.endpoints.deleteOrphans(tx, PresenceCoreLimits.sweepBatch);
        await this.republishAll(tx, mailboxes, now);
        return mailboxes.length;
      });
      if (users < PresenceCoreLimits.sweepBatch) break;
    }
  }

  /**
   * Removes a replica's endpoints in batches (one transaction each, republishing their users), then
   * its lease. `onlyIfExpired`: each batch first locks the lease, still expired, or stops (the
   * replica came back, or another replica is sweeping it).
   */
  private async removeEndpointsOf(instanceId: string, opts: { onlyIfExpired: boolean }): Promise<number> {
    let removed = 0;
    for (;;) {
      const now = new Date();
      const batch = await this.db.unitOfWork.run(async (tx) => {
        if (opts.onlyIfExpired && !(await this.leases.lockExpired(tx, instanceId, now))) return null;
        const mailboxes = await this.endpoints.deleteOfInstance(tx, instanceId, PresenceCoreLimits.sweepBatch);
        await this.republishAll(tx, mailboxes, now);
        if (opts.onlyIfExpired && mailboxes.length < PresenceCoreLimits.sweepBatch) await this.leases.delete(tx, instanceId);
        return mailboxes.length;
      });
      if (batch === null) return removed;
      removed += batch;
      if (batch < PresenceCoreLimits.sweepBatch) return removed;
    }
  }

  /** Republishes each user once, in address order (transactions locking several users take them in one order). */
  private async republishAll(tx: Transaction, mailboxes: readonly string[], now: Date): Promise<void> {
    for (const mailbox of [...new Set(mailboxes)].sort()) await this.publisher.republish(tx, mailbox, now);
  }
}
