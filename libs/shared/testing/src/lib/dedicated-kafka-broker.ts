import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './service-process';

/**
 * A Kafka broker of a test's own, run by scripts/kafka-test-broker.sh, for tests that must kill
 * and restart the broker (which they cannot do to a shared cluster).
 */
export class DedicatedKafkaBroker {
  private constructor(
    private readonly env: NodeJS.ProcessEnv,
    readonly brokers: string,
  ) {}

  static async start(repoRoot: string): Promise<DedicatedKafkaBroker> {
    const env = {
      ...process.env,
      PARLEY_KAFKA_DIR: mkdtempSync(path.join(tmpdir(), 'parley-kafka-')),
      PARLEY_KAFKA_PORT: String(await freePort()),
      PARLEY_KAFKA_CONTROLLER_PORT: String(await freePort()),
    };
    const script = path.join(repoRoot, 'scripts', 'kafka-test-broker.sh');
    const broker = new DedicatedKafkaBroker({ ...env, SCRIPT: script }, `127.0.0.1:${env.PARLEY_KAFKA_PORT}`);
    broker.run('start');
    return broker;
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
  }

  private run(...args: string[]): void {
    const r = spawnSync('bash', [this.env['SCRIPT'] as string, ...args], { env: this.env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`kafka-test-broker.sh ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
  }
}
