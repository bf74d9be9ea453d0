import { randomUUID } from 'node:crypto';
import { Topics, OofSettings, OofView, oofViewSchema } from '@parley/contracts';
import { CommandRefusedError, KafkaCommandBus } from '@parley/messaging';
import {
  createTestDatabase,
  DedicatedKafkaBroker,
  ExitReaper,
  freePort,
  RunningProcess,
  startProcess,
  waitFor,
  waitForHttpOk,
} from '@parley/testing';
import { Client } from 'pg';
import { appBundle, repoRoot } from './repo';

/**
 * The four services as four OS processes over a real Kafka broker and PostgreSQL. This test runs
 * its own broker because it kills it; everything else about the deployment is production's.
 */
describe('four services as separate processes over Kafka and PostgreSQL', () => {
  const services = ['calendar-sync', 'presence-bridge', 'voicemail-ingest', 'ews-gateway'] as const;
  const run = randomUUID().slice(0, 8);
  const processes = new Map<string, RunningProcess>();
  const ports = new Map<string, number>();
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let broker: DedicatedKafkaBroker;
  let baseEnv: NodeJS.ProcessEnv;
  let commands: KafkaCommandBus;
  let sql: Client;
  // Stops the service processes should this test process end without afterAll (the broker has its own).
  const reaper = ExitReaper.start();

  const mailbox = (name: string) => `${name}-${run}@parley.test`;
  const settings = (n: number): OofSettings => ({
    state: 'Enabled',
    externalAudience: 'All',
    startTime: null,
    endTime: null,
    internalReply: `away #${n}`,
    externalReply: '',
  });

  async function startService(name: string): Promise<void> {
    const port = ports.get(name) ?? (await freePort());
    ports.set(name, port);
    const proc = startProcess('node', [appBundle(name)], {
      ...baseEnv,
      PARLEY_HTTP_PORT: String(port),
      PARLEY_METRICS_PORT: '0',
      PARLEY_INSTANCE_ID: `${name}-${run}`,
    });
    processes.set(name, proc);
    reaper.add({ processes: [{ pid: proc.child.pid, cmdline: appBundle(name) }] });
    await waitForHttpOk(`http://127.0.0.1:${port}/readyz`, proc, 90_000);
  }

  async function setOof(address: string, n: number, id = randomUUID()): Promise<OofView> {
    return commands.request(Topics.oofSetRequest, address, { mailbox: address, settings: settings(n) }, oofViewSchema, {
      id,
      timeoutMs: 15_000,
    });
  }

  /**
   * What presence-bridge applied for a user — the effective OOF state calendar-sync announced last
   * and the presence sequence it published — beside calendar-sync's own: the settings' revision and
   * reply, and how many effective-OOF events it published for the user (each carries a new reply,
   * so each applied once is one presence change). `caughtUp`: presence shows the current reply.
   */
  async function presenceOf(
    address: string,
  ): Promise<
    { sequence: string; oof: boolean; oofMessage: string | null; revision: number; announced: number; caughtUp: boolean } | undefined
  > {
    const { rows } = await sql.query(
      `SELECT p.sequence, p.oof, s.oof_message AS "oofMessage", o.revision, o.internal_reply = s.oof_message AS "caughtUp",
         (SELECT count(*)::int FROM calendar_sync.outbox_message m WHERE m.topic = $2 AND m.message_key = $1) AS announced
       FROM presence_bridge.user_presence p
       JOIN presence_bridge.presence_source s ON s.mailbox = p.mailbox
       JOIN calendar_sync.oof_settings o ON o.mailbox = p.mailbox
       WHERE p.mailbox = $1`,
      [address, Topics.oofEffectiveChanged],
    );
    return rows[0];
  }

  beforeAll(async () => {
    broker = await DedicatedKafkaBroker.start(repoRoot);
    db = await createTestDatabase('e2e_kafka');
    baseEnv = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.brokers,
      PARLEY_BUS: 'kafka',
      KAFKA_GROUP_PREFIX: `e2e-${run}`,
      KAFKA_PARTITIONS: '3',
      PARLEY_LOG_LEVEL: 'warn',
      PARLEY_OUTBOX_POLL_MS: '200',
      // No load balancer in front of these processes: the readiness delay before a stop would only slow it.
      PARLEY_SHUTDOWN_DELAY_MS: '0',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      // voicemail-ingest's SMTP front and presence-bridge's SIP over TCP stay off: 25/465/587/5060 are not this test's to take.
      PARLEY_SMTP_SUBMISSION_PORT: '0',
      PARLEY_SMTP_IMPLICIT_TLS_PORT: '0',
      PARLEY_SMTP_RELAY_PORT: '0',
      PARLEY_SIP_TCP_PORT: '0',
      PARLEY_ID_SECRET: `e2e-id-secret-${run}-0123456789abcdef`,
    };
    for (const name of services) {
      const migrate = startProcess('node', [appBundle(name), 'migrate'], baseEnv);
      expect(await migrate.exited).toBe(0);
    }
    for (const name of services) await startService(name);
    commands = new KafkaCommandBus(
      { brokers: [broker.brokers], clientId: `e2e-${run}` },
      `e2e-${run}.test-client`,
      [Topics.oofSetRequest, Topics.oofGetRequest],
      15_000,
    );
    await commands.connect(60_000);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  }, 240_000);

  afterAll(async () => {
    await sql?.end();
    await Promise.race([commands?.close().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
    await Promise.all([...processes.values()].map((p) => p.stop()));
    reaper.release();
    broker?.stop();
    await db?.drop();
  }, 120_000);

  it('carries an event from calendar-sync’s outbox to presence-bridge', async () => {
    const alice = mailbox('alice');
    const view = await setOof(alice, 1);
    expect(view).toEqual(expect.objectContaining({ mailbox: alice, active: true, revision: 1 }));
    const presence = await waitFor(() => presenceOf(alice), { timeoutMs: 15_000, what: 'presence-bridge to apply the OOF event' });
    expect(presence).toMatchObject({ sequence: '1', oof: true, oofMessage: 'away #1', announced: 1 });
  });

  it('answers an invalid command with an InvalidRequest refusal, not a crash', async () => {
    const refusal = await commands
      .request(Topics.oofSetRequest, 'x', { mailbox: 'not-an-address', settings: { state: 'Sideways' } }, oofViewSchema)
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(CommandRefusedError);
    expect(refusal).toMatchObject({ topic: Topics.oofSetRequest, code: 'InvalidRequest' });
    expect((await fetch(`http://127.0.0.1:${ports.get('calendar-sync')}/healthz`)).status).toBe(200);
  });

  it('loses nothing and applies nothing twice when the consumer is SIGKILLed mid-stream', async () => {
    const users = ['u1', 'u2', 'u3', 'u4'].map(mailbox);
    const perUser = 30;
    const sendRound = (n: number) => Promise.all(users.map((u) => setOof(u, n).then((view) => expect(view.mailbox).toBe(u))));
    for (let n = 1; n <= perUser; n++) {
      await sendRound(n);
      if (n === 10) await processes.get('presence-bridge')?.kill(); // crash while events flow
      if (n === 20) await startService('presence-bridge'); // it catches up from its committed offsets
    }
    for (const u of users) {
      const presence = await waitFor(
        async () => {
          const seen = await presenceOf(u);
          return seen?.revision === perUser && seen.caughtUp ? seen : undefined;
        },
        { timeoutMs: 90_000, what: `${u} to reach revision ${perUser}` },
      );
      // One presence change per effective-OOF event calendar-sync published (its due-queue may fold
      // quick successive writes into one): none lost, none applied twice.
      expect(presence).toMatchObject({ sequence: String(presence.announced), oof: true, oofMessage: `away #${perUser}` });
    }
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM calendar_sync.outbox_message WHERE published_at IS NULL`);
    expect(rows[0].n).toBe(0);
  }, 180_000);

  it('loses nothing while the Kafka broker is down for a few seconds', async () => {
    const carol = mailbox('carol');
    for (let n = 1; n <= 5; n++) expect((await setOof(carol, n)).mailbox).toBe(carol);
    // Fire more commands and kill the broker while they are in flight; each carries its own id,
    // so the client can retry any whose reply it did not see without applying it twice.
    const pending = Array.from({ length: 15 }, (_, i) => ({ n: 6 + i, id: randomUUID() }));
    const inFlight = pending.map(async ({ n, id }) => {
      await new Promise((r) => setTimeout(r, n * 20));
      return setOof(carol, n, id).catch(() => undefined);
    });
    await new Promise((r) => setTimeout(r, 120));
    broker.kill();
    await Promise.all(inFlight);
    await new Promise((r) => setTimeout(r, 3_000));
    broker.restart();
    for (const { n, id } of pending) {
      await waitFor(async () => (await setOof(carol, n, id).catch(() => undefined)) !== undefined, {
        timeoutMs: 90_000,
        intervalMs: 500,
        what: `command ${n} after the outage`,
      });
    }
    // The commands in flight during the outage may be applied in any order: revision 20 is the last
    // applied, whichever reply it carries.
    const presence = await waitFor(
      async () => {
        const seen = await presenceOf(carol);
        return seen?.revision === 20 && seen.caughtUp ? seen : undefined;
      },
      { timeoutMs: 90_000, what: 'presence to catch up after the outage' },
    );
    expect(presence).toMatchObject({ sequence: String(presence.announced) });
    for (const name of services) expect((await fetch(`http://127.0.0.1:${ports.get(name)}/readyz`)).status).toBe(200);
  }, 240_000);
});
