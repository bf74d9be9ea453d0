import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/**
 * CPU seconds (user + system) used so far by process `root` and every live descendant (Linux
 * /proc): a server's whole cost — Kamailio's forked workers, the embedded app's PostgreSQL — however
 * busy the rest of the machine is. `alsoCommandLine`: processes elsewhere whose command line
 * contains it count too (the backends of a PostgreSQL server that is not the root's child, whose
 * titles name their database). Processes that already exited are not counted.
 */
export function processTreeCpuSeconds(root: number, alsoCommandLine?: string): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stats = new Map<number, { parent: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let text: string;
    try {
      text = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // The command name may contain spaces and parentheses: the fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // Fields 4 (ppid), 14 (utime) and 15 (stime) of proc(5), counted from the state field (3).
    stats.set(Number(entry), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
  }
  const children = new Map<number, number[]>();
  for (const [pid, { parent }] of stats) children.set(parent, [...(children.get(parent) ?? []), pid]);
  let ticks = 0;
  const pending = [root];
  if (alsoCommandLine !== undefined)
    for (const pid of stats.keys()) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(alsoCommandLine)) pending.push(pid);
      } catch {
        // gone meanwhile
      }
    }
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    ticks += stats.get(pid)?.ticks ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return ticks / ticksPerSecond;
}
