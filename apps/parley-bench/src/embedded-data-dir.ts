import { ExitReaper } from '@parley/testing';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A fresh data directory for one embedded app of a bench run, and what removes it (and its PostgreSQL) again. */
export interface EmbeddedDataDir {
  readonly path: string;
  /** Stops the app's PostgreSQL if it still runs and deletes the directory. */
  remove(): Promise<void>;
}

export async function createEmbeddedDataDir(prefix: string): Promise<EmbeddedDataDir> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dataDir, 0o755); // as root, PostgreSQL runs as postgres and must enter it
  // Should the bench die first, the app's PostgreSQL must not outlive it.
  const reaper = ExitReaper.start({
    processes: [{ pidFile: path.join(dataDir, 'postgres', 'postmaster.pid'), cmdline: dataDir, signal: 'SIGINT' }],
    paths: [dataDir],
  });
  return {
    path: dataDir,
    remove: async () => {
      await reaper.reapNow();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
