import { EndpointRepository as EndpointRepositoryToken } from '@parley/presence-bridge/data-access';
import { presencePolicy } from '@parley/presence-bridge/presence-engine';
import { waitFor } from '@parley/testing';
import { PresenceReplica, presenceTestDatabase, testCoreOptions } from '../../test/presence-test-bed';

const ANNA = 'anna@example.com';
/** Short thresholds so the machine states follow within seconds. */
const policy = presencePolicy({ idleAfterMs: 1_000, awayAfterMs: 2_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('connected clients as a presence source on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof presenceTestDatabase>>;
  let bed: PresenceReplica;

  beforeAll(async () => {
    database = await presenceTestDatabase('presence_endpoints_it');
    bed = await PresenceReplica.start({
      databaseUrl: database.url,
      bus: 'inprocess',
      run: database.run,
      migrate: true,
      core: testCoreOptions('endpoints-it', { policy, leaseRenewMs: 200, leaseTtlMs: 2_000, timerPollMaxMs: 100 }),
    });
  });

  afterAll(async () => {
    await bed?.close();
    await database?.drop();
  });

  beforeEach(async () => {
    await bed.reset();
  });

  const states = async () => (await bed.presenceEvents(ANNA)).map((e) => e.view.endpoints.map((x) => x.machineState).join(',') || 'none');

  it('a client in use stays Available without a write per report; idle it turns inactive, then away; activity brings it back at once', async () => {
    const touches = jest.spyOn(bed.app.get(EndpointRepositoryToken), 'touch');
    const bulk = jest.spyOn(bed.app.get(EndpointRepositoryToken), 'touchMany');
    const client = await bed.endpoints.connect(ANNA, { label: 'Parley web' });
    try {
      // 2.5 s of typing: well past the idle threshold, 25 reports.
      for (let i = 0; i < 25; i++) {
        client.reportActivity(new Date());
        await sleep(100);
      }
      expect(await states()).toEqual(['active']);
      expect(touches).not.toHaveBeenCalled();
      // The heartbeat wrote the newest activity a few times before the threshold, never once per report.
      expect(bulk.mock.calls.length).toBeGreaterThanOrEqual(1);
      expect(bulk.mock.calls.length).toBeLessThanOrEqual(8);

      // Hands off the keyboard: inactive after 1 s, away after 2 s, each published once.
      await waitFor(async () => (await states()).length === 3, { timeoutMs: 4_000 });
      const events = await bed.presenceEvents(ANNA);
      expect(events.map((e) => [e.view.endpoints[0].machineState, e.view.token])).toEqual([
        ['active', 'available'],
        ['inactive', 'available-idle'],
        ['away', 'away'],
      ]);
      expect(events[2].view.lastActiveAt).not.toBeNull();

      // One report while away is written at once (its own write, not the heartbeat's batch) and republished.
      // Which path wrote it is asserted, not how fast: a loaded machine may run a heartbeat in between.
      client.reportActivity(new Date());
      await waitFor(async () => (await states()).length === 4, { timeoutMs: 5_000 });
      expect((await states())[3]).toBe('active');
      expect(touches).toHaveBeenCalled();
      expect(touches.mock.calls[0][1]).toBe(client.endpointId);
      // Activity stamped in the future counts as now, not later.
      client.reportActivity(new Date(Date.now() + 3_600_000));
    } finally {
      await client.close();
    }
    expect((await states()).at(-1)).toBe('none');
  });

  it('a live replica whose lease lapsed gets its clients back on its next heartbeat, after another replica swept them', async () => {
    // This replica's own heartbeat never fires during the test: the test drives it.
    const stalled = await PresenceReplica.start({
      databaseUrl: database.url,
      bus: 'inprocess',
      run: database.run,
      migrate: false,
      core: testCoreOptions('endpoints-it-stalled', { policy, leaseRenewMs: 600_000, leaseTtlMs: 1_800_000 }),
    });
    try {
      const client = await stalled.endpoints.connect(ANNA, { label: 'Parley web' });
      await bed.db.dataSource.query(
        `UPDATE presence_bridge.replica_lease SET expires_at = now() - interval '1 second' WHERE instance_id = $1`,
        [stalled.instanceId],
      );
      await waitFor(async () => (await states()).length === 2, { timeoutMs: 3_000, what: 'the sweep by the other replica' });
      expect(await states()).toEqual(['active', 'none']);
      await stalled.registry.tick();
      expect(await states()).toEqual(['active', 'none', 'active']);
      expect((await bed.presenceEvents(ANNA)).at(-1)?.view.endpoints[0].endpointId).toBe(client.endpointId);
      await client.close();
      expect(await states()).toEqual(['active', 'none', 'active', 'none']);
    } finally {
      await stalled.close();
    }
  });

  it('a replica that shuts down takes its clients offline at once and gives its lease up', async () => {
    const leaving = await PresenceReplica.start({
      databaseUrl: database.url,
      bus: 'inprocess',
      run: database.run,
      migrate: false,
      core: testCoreOptions('endpoints-it-leaving', { policy }),
    });
    await leaving.endpoints.connect(ANNA, { label: 'Parley web' });
    await leaving.close();
    expect(await states()).toEqual(['active', 'none']);
    expect(
      await bed.db.dataSource.query(
        `SELECT count(*)::int AS n FROM presence_bridge.replica_lease WHERE instance_id = 'endpoints-it-leaving'`,
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('a replica restarted under the same instance id first removes what its killed predecessor left', async () => {
    const instanceId = 'endpoints-it-restarted';
    const now = new Date();
    // The killed process's lease (still valid) and client.
    await bed.db.dataSource.query(`INSERT INTO presence_bridge.replica_lease (instance_id, started_at, expires_at) VALUES ($1, $2, $3)`, [
      instanceId,
      now,
      new Date(now.getTime() + 60_000),
    ]);
    await bed.db.dataSource.query(
      `INSERT INTO presence_bridge.endpoint (id, mailbox, instance_id, label, connected_at, last_activity_at) VALUES (gen_random_uuid(), $1, $2, 'x', $3, $3)`,
      [ANNA, instanceId, now],
    );
    await bed.db.unitOfWork.run((tx) => bed.publisher.republish(tx, ANNA, new Date()));
    expect(await states()).toEqual(['active']);
    const restarted = await PresenceReplica.start({
      databaseUrl: database.url,
      bus: 'inprocess',
      run: database.run,
      migrate: false,
      core: testCoreOptions(instanceId, { policy }),
    });
    try {
      // (On a slow machine the 1 s idle threshold may pass before the restart: 'inactive' between.)
      const seen = await states();
      expect([seen[0], seen.at(-1)]).toEqual(['active', 'none']);
      expect(
        await bed.db.dataSource.query(`SELECT count(*)::int AS n FROM presence_bridge.endpoint WHERE instance_id = $1`, [instanceId]),
      ).toEqual([{ n: 0 }]);
    } finally {
      await restarted.close();
    }
  });
});
