import { Client, GraphError, HTTPMessageHandler, type Context, type Middleware } from '@microsoft/microsoft-graph-client';

/**
 * The authorization step of a Graph client's middleware chain, the client's documented way to
 * bring credentials: its own AuthenticationHandler sends tokens only to https Graph hosts, and a
 * test server speaks plain HTTP on 127.0.0.1.
 */
class StaticAuthorization implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly authorization: string | undefined) {}

  async execute(context: Context): Promise<void> {
    if (this.authorization !== undefined) {
      const headers = new Headers(context.options?.headers as ConstructorParameters<typeof Headers>[0]);
      headers.set('Authorization', this.authorization);
      context.options = { ...context.options, headers };
    }
    await (this.next as Middleware).execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** For specs: Microsoft's JavaScript Graph client, pointed at Parley (`<base>/api`), sending `authorization` (or nothing). */
export function graphClient(base: string, authorization: string | undefined): Client {
  return Client.initWithMiddleware({
    baseUrl: `${base}/api`,
    defaultVersion: 'v1.0',
    middleware: [new StaticAuthorization(authorization), new HTTPMessageHandler()],
  });
}

export const basicAuthorization = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** `<status> <code>` of a Graph request the server refused (Graph's error body, as the client reports it); fails if it succeeded. */
export async function graphRefusal(request: Promise<unknown>): Promise<string> {
  const error = await request.then(
    () => new Error('expected the request to be refused'),
    (e: unknown) => e,
  );
  if (!(error instanceof GraphError)) throw error;
  return `${error.statusCode} ${error.code}`;
}
