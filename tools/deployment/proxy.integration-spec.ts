// deploy/Caddyfile run by a real Caddy (Debian's 2.6; compose runs the official image of a newer
// release, same syntax) in front of stand-ins for the services: every public path must reach the
// service that serves it, the WebSockets (presence, and SIP with its subprotocol) must upgrade through it, and a client must not be
// able to choose the X-Forwarded-For address the services trust from the proxy.
import { ExitReaper, ensureDebianPackages, waitFor } from '@parley/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { checkServiceEnv, publicHttpRoutes, serviceNames, type ServiceName } from './service-facts';

const root = path.join(__dirname, '..', '..');

/** A stand-in for a service: answers every request and WebSocket with its name, the path and the forwarded client. */
async function standIn(service: ServiceName): Promise<Server> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ service, path: req.url, forwardedFor: req.headers['x-forwarded-for'] }));
  });
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket, req) => socket.send(JSON.stringify({ service, path: req.url })));
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return server;
}

const portOf = (server: Server) => (server.address() as AddressInfo).port;

/** The HTTP port the service listens on in a container (its default: compose does not set one). */
function containerHttpPort(service: ServiceName): number {
  const check = checkServiceEnv(service, {
    DATABASE_URL: 'postgres://db/parley',
    KAFKA_BROKERS: 'kafka:9092',
    PARLEY_ID_SECRET: 'x'.repeat(32),
  });
  if (!check.ok) throw new Error(check.problems.join('\n'));
  return check.config.http.port;
}

let caddy: ChildProcess | undefined;
let reaper: ExitReaper;
let proxyPort: number;
const standIns = new Map<ServiceName, Server>();

beforeAll(async () => {
  ensureDebianPackages(['caddy']);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-proxy-'));
  reaper = ExitReaper.start({ paths: [dir] });
  for (const service of serviceNames) standIns.set(service, await standIn(service));
  // A free port for the proxy: taken and given back (Caddy binds it right after).
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  proxyPort = portOf(probe);
  await new Promise((resolve) => probe.close(resolve));
  // The file as compose mounts it, with the compose names swapped for the stand-ins' addresses.
  let caddyfile = readFileSync(path.join(root, 'deploy', 'Caddyfile'), 'utf8').replace(
    /^http:\/\/:\d+ \{/m,
    `http://127.0.0.1:${proxyPort} {`,
  );
  for (const service of serviceNames) {
    caddyfile = caddyfile.replaceAll(`${service}:${containerHttpPort(service)}`, `127.0.0.1:${portOf(standIns.get(service) as Server)}`);
  }
  writeFileSync(path.join(dir, 'Caddyfile'), caddyfile);
  const env = { PATH: process.env['PATH'] ?? '', HOME: dir, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir };
  caddy = spawn('caddy', ['run', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  reaper.add({ processes: [{ pid: caddy.pid, cmdline: 'caddy' }] });
  let log = '';
  caddy.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  caddy.on('error', (error) => (log += String(error)));
  await waitFor(
    () => {
      if (caddy?.exitCode !== null) throw new Error(`caddy exited with ${caddy?.exitCode}:\n${log}`);
      return fetch(`http://127.0.0.1:${proxyPort}/`).then(
        (r) => r.ok,
        (e: Error) => {
          throw new Error(`${String(e)} ${String(e.cause)}\n${log}`);
        },
      );
    },
    { timeoutMs: 30_000, what: 'Caddy to serve' },
  );
}, 120_000);

afterAll(async () => {
  if (caddy && caddy.exitCode === null) {
    const exited = new Promise((resolve) => caddy?.once('exit', resolve));
    caddy.kill('SIGTERM');
    await exited;
  }
  for (const server of standIns.values()) server.closeAllConnections();
  await Promise.all([...standIns.values()].map((s) => new Promise((resolve) => s.close(resolve))));
  await reaper?.reapNow();
});

const plainRoutes = publicHttpRoutes().filter((r) => !r.websocket);
const socketRoutes = publicHttpRoutes().filter((r) => r.websocket);

it.each(plainRoutes.map((r) => [r.path, r.service] as const))('%s reaches %s', async (requestPath, service) => {
  const response = await fetch(`http://127.0.0.1:${proxyPort}${requestPath}?q=1`);
  expect(await response.json()).toMatchObject({ service, path: `${requestPath}?q=1` });
});

it.each(socketRoutes.map((r) => [r.path, r.service, r.subprotocol] as const))(
  'the WebSocket %s upgrades through to %s',
  async (requestPath, service, subprotocol) => {
    // The stand-in agrees to the first subprotocol offered: one the proxy drops would be missing here.
    const socket = new WebSocket(`ws://127.0.0.1:${proxyPort}${requestPath}?client=test`, subprotocol === undefined ? [] : [subprotocol]);
    try {
      const message = await new Promise<string>((resolve, reject) => {
        socket.once('message', (data) => resolve(String(data)));
        socket.once('error', reject);
      });
      expect(JSON.parse(message)).toEqual({ service, path: `${requestPath}?client=test` });
      expect(socket.protocol).toBe(subprotocol ?? '');
    } finally {
      socket.terminate();
    }
  },
);

it('forwards the address the client connected from, not one the client claims', async () => {
  const response = await fetch(`http://127.0.0.1:${proxyPort}/EWS/Exchange.asmx`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
  expect(((await response.json()) as { forwardedFor: string }).forwardedFor).toBe('127.0.0.1');
});
