// Runs a container healthcheck command (`node -e …`) for real, against a stand-in for the app's probe.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthStandIn {
  port: number;
  /** The status the next probes get. */
  status: number;
  /** Paths requested so far. */
  requested: string[];
  close(): Promise<void>;
}

/** An HTTP server on a free loopback port answering every request with `status`. */
export async function healthStandIn(): Promise<HealthStandIn> {
  const requested: string[] = [];
  const standIn = { port: 0, status: 200, requested, close: async () => undefined } as HealthStandIn;
  const server = createServer((req, res) => {
    requested.push(req.url ?? '');
    res.statusCode = standIn.status;
    res.end();
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  standIn.port = (server.address() as AddressInfo).port;
  standIn.close = () => new Promise((resolve) => server.close(() => resolve()));
  return standIn;
}

/** Exit status of `node -e <script>` with exactly `env` (plus PATH). */
export function nodeScriptStatus(script: string, env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script], { env: { PATH: process.env['PATH'] ?? '', ...env } }, (error) => {
      resolve(error ? (typeof error.code === 'number' ? error.code : -1) : 0);
    });
  });
}
