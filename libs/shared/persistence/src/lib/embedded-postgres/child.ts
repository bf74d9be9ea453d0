import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Forwards a child's stdout/stderr line by line to `log`, keeping the last lines for errors. */
export function pipeOutput(child: ChildProcess, log: (line: string) => void, keep = 30): () => string {
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      tail.push(line);
      if (tail.length > keep) tail.shift();
      log(line);
    });
  }
  return () => tail.join('\n');
}

/** Resolves once the child has exited (immediately if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Runs a command to completion; rejects with its exit status and last output lines. */
export async function run(command: string, args: string[], options: SpawnOptions, log: (line: string) => void): Promise<void> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = pipeOutput(child, log);
  const status = await new Promise<string | undefined>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(code === 0 ? undefined : `code ${code}, signal ${signal}`));
  });
  if (status !== undefined) {
    throw new Error(`${command} failed (${status}):\n${tail()}`);
  }
}
