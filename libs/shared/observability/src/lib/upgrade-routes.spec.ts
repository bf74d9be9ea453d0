import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { Metrics } from './metrics';
import { UpgradeRoutes } from './upgrade-routes';

/** A front as the real ones are: `ws` in noServer mode, completing the handshake of its own path and echoing a greeting. */
function echoFront(name: string): { handler: Parameters<UpgradeRoutes['register']>[2]; close(): void } {
  const wss = new WebSocketServer({ noServer: true });
  return {
    handler: (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => ws.send(`${name} ${req.url ?? ''}`)),
    close: () => wss.close(),
  };
}

/** The first message a WebSocket client gets on `path`, or the HTTP status its handshake was refused with. */
function open(port: number, path: string): Promise<{ message: string } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    ws.once('message', (data: Buffer) => {
      resolve({ message: data.toString() });
      ws.close();
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
    });
    ws.once('error', reject);
  });
}

/** The raw answer to an upgrade request, read until the server closes the connection. */
function rawUpgrade(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      ),
    );
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.once('close', () => resolve(text));
    socket.once('error', reject);
    socket.setTimeout(5_000, () => reject(new Error('the server neither answered nor closed')));
  });
}

async function listening(): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => res.end('plain'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

async function notFoundCount(metrics: Metrics): Promise<number> {
  const exposition = await metrics.registry.metrics();
  return Number(/^parley_http_upgrades_not_found_total\{[^}]*\} (\d+)$/m.exec(exposition)?.[1] ?? NaN);
}

describe('UpgradeRoutes', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const step of cleanup.splice(0)) step();
  });

  async function serve(paths: string[]): Promise<{ port: number; metrics: Metrics; routes: UpgradeRoutes; server: Server }> {
    const { server, port } = await listening();
    const metrics = new Metrics({ service: 'test', version: '0' });
    const routes = new UpgradeRoutes(metrics);
    for (const path of paths) {
      const front = echoFront(path.slice(1));
      routes.register(server, path, front.handler);
      cleanup.push(() => front.close());
    }
    cleanup.push(() => {
      server.closeAllConnections();
      server.close();
    });
    return { port, metrics, routes, server };
  }

  it('hands each registered path to its own front, query string or not', async () => {
    const { port } = await serve(['/presence', '/sip']);
    await expect(open(port, '/presence')).resolves.toEqual({ message: 'presence /presence' });
    await expect(open(port, '/sip?transport=ws')).resolves.toEqual({ message: 'sip /sip?transport=ws' });
  });

  it('answers 404 with Connection: close to any other path, with both fronts and with one, and counts it', async () => {
    for (const paths of [['/presence', '/sip'], ['/sip']]) {
      const { port, metrics } = await serve(paths);
      await expect(open(port, '/elsewhere')).resolves.toEqual({ status: 404 });
      const raw = await rawUpgrade(port, paths.includes('/presence') ? '/Presence' : '/presence');
      expect(raw).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
      expect(raw).toMatch(/\r\nConnection: close\r\n/i);
      expect(await notFoundCount(metrics)).toBe(2);
    }
  });

  it('leaves plain requests to the request listener', async () => {
    const { port } = await serve(['/sip']);
    expect(await (await fetch(`http://127.0.0.1:${port}/sip`)).text()).toBe('plain');
  });

  it('attaches one upgrade listener, and refuses a path registered twice or a second server', async () => {
    const { routes, server } = await serve(['/presence', '/sip']);
    expect(server.listenerCount('upgrade')).toBe(1);
    expect(() => routes.register(server, '/sip', () => undefined)).toThrow('/sip is already registered');
    const other = createServer();
    expect(() => routes.register(other, '/other', () => undefined)).toThrow('one HTTP server');
  });
});
