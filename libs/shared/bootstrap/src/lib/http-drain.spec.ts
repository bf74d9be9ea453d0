import { Agent, createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HttpDrain } from './http-drain';

interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
}

function get(port: number, path: string, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HttpDrain', () => {
  let server: Server;
  let port: number;
  let drain: HttpDrain;
  const held: Array<() => void> = [];
  const agent = new Agent({ keepAlive: true });

  beforeEach(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const answer = () => res.end(`answered ${req.url}`);
      if (req.url === '/slow') held.push(answer);
      else answer();
    });
    drain = new HttpDrain(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers the request in flight with Connection: close, refuses new connections, and drains', async () => {
    const slow = get(port, '/slow', agent);
    await waitFor(() => held.length === 1);
    expect(drain.requestsInFlight).toBe(1);
    drain.stopAccepting();
    await expect(get(port, '/new', new Agent())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    let drained = false;
    const done = drain.drained().then(() => (drained = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    held.shift()?.();
    await expect(slow).resolves.toEqual({ status: 200, connection: 'close', body: 'answered /slow' });
    await done;
    expect(drain.requestsInFlight).toBe(0);
  });

  it('closes idle keep-alive connections when it stops accepting', async () => {
    await expect(get(port, '/quick', agent)).resolves.toMatchObject({ status: 200, connection: 'keep-alive' });
    const sockets = Object.values(agent.freeSockets).flat() as Socket[];
    expect(sockets).toHaveLength(1);
    const closed = new Promise((resolve) => sockets[0].once('close', resolve));
    drain.stopAccepting();
    await closed;
    await drain.drained();
  });

  it('cuts what is still running on abort', async () => {
    const slow = get(port, '/slow', agent);
    await waitFor(() => held.length === 1);
    drain.stopAccepting();
    drain.abort();
    await expect(slow).rejects.toMatchObject({ code: 'ECONNRESET' });
    held.length = 0;
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
