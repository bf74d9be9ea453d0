import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ExitReaper } from './exit-reaper';
import { readSecuredListeners, SecuredKafkaListeners } from './secured-kafka';
import { freePort } from './service-process';

/**
 * A Kafka broker of a test's own, run by scripts/kafka-test-broker.sh, for tests that must kill
 * and restart the broker (which they cannot do to a shared cluster). The script detaches the
 * broker from the test process, so an `ExitReaper` stops it and deletes its state directory if
 * the test process ends without `stop()`.
 */
export class DedicatedKafkaBroker {
  private constructor(
    private readonly env: NodeJS.ProcessEnv,
    readonly brokers: string,
    private readonly reaper: ExitReaper,
  ) {}

  /** `secured`: also the SASL_SSL and mutual-TLS listeners (`securedListeners` describes them). */
  static async start(repoRoot: string, opts: { secured?: boolean } = {}): Promise<DedicatedKafkaBroker> {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-kafka-'));
    // The JVM's command line names its server.properties in `dir`; the pid file is read when it acts.
    const reaper = ExitReaper.start({ processes: [{ pidFile: path.join(dir, 'broker.pid'), cmdline: dir }], paths: [dir] });
    const env = {
      ...process.env,
      PARLEY_KAFKA_DIR: dir,
      PARLEY_KAFKA_PORT: String(await freePort()),
      PARLEY_KAFKA_CONTROLLER_PORT: String(await freePort()),
      ...(opts.secured ? { PARLEY_KAFKA_SASL_SSL_PORT: String(await freePort()), PARLEY_KAFKA_MTLS_PORT: String(await freePort()) } : {}),
    };
    const script = path.join(repoRoot, 'scripts', 'kafka-test-broker.sh');
    const broker = new DedicatedKafkaBroker({ ...env, SCRIPT: script }, `127.0.0.1:${env.PARLEY_KAFKA_PORT}`, reaper);
    try {
      broker.run('start');
    } catch (error) {
      void reaper.reapNow();
      throw error;
    }
    return broker;
  }

  /** The secured listeners of a broker started with `secured`, as the script describes them. */
  get securedListeners(): SecuredKafkaListeners {
    return readSecuredListeners(path.join(this.env['PARLEY_KAFKA_DIR'] as string, 'secured-listeners.json'));
  }

  /** SIGKILL: an outage, as a crashed broker would cause. */
  kill(): void {
    this.run('kill');
  }

  /** Brings the killed broker back with its data. */
  restart(): void {
    this.run('start', '--keep-data');
  }

  /** Stops the broker and deletes its state directory. */
  stop(): void {
    this.run('stop');
    rmSync(this.env['PARLEY_KAFKA_DIR'] as string, { recursive: true, force: true });
    this.reaper.release();
  }

  private run(...args: string[]): void {
    const r = spawnSync('bash', [this.env['SCRIPT'] as string, ...args], { env: this.env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`kafka-test-broker.sh ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  }
}
