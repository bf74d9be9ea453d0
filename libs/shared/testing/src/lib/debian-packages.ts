import { execFileSync } from 'node:child_process';

function isInstalled(name: string): boolean {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes(
      'install ok installed',
    );
  } catch {
    return false;
  }
}

/**
 * Makes sure Debian packages a test drives (command-line clients such as `swaks`) are installed:
 * installs the missing ones with apt-get (as root, without recommends: name what you need) and
 * throws with the command to run when that is not possible. Returns the packages it installed.
 */
export function ensureDebianPackages(names: readonly string[]): string[] {
  const missing = names.filter((n) => !isInstalled(n));
  if (missing.length === 0) return [];
  const install = ['install', '-y', '--no-install-recommends', ...missing];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    try {
      execFileSync('apt-get', install, { stdio: 'pipe', env, timeout: 300_000 });
    } catch {
      // A fresh machine may have no package lists yet.
      execFileSync('apt-get', ['update'], { stdio: 'pipe', env, timeout: 300_000 });
      execFileSync('apt-get', install, { stdio: 'pipe', env, timeout: 300_000 });
    }
  } catch (error) {
    throw new Error(`could not install ${missing.join(' ')} (run: apt-get ${install.join(' ')}): ${String(error)}`, { cause: error });
  }
  return missing;
}
