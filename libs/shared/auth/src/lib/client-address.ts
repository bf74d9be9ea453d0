import type { IncomingMessage } from 'node:http';
import type { ClientAddressResolver } from '@parley/sign-in';
import { withClientAddress } from '@parley/logging';

/**
 * The client address of an HTTP request (the peer, or behind a trusted proxy the forwarded
 * client), resolved once per request and attached to it for the request's log line.
 */
export function clientAddressOf(resolver: ClientAddressResolver, req: IncomingMessage): string {
  return withClientAddress(req, () => resolver.resolve({ peer: req.socket.remoteAddress, forwardedFor: req.headers['x-forwarded-for'] }));
}
