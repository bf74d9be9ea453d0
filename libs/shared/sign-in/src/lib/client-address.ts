import { BlockList, isIP, isIPv4, SocketAddress } from 'node:net';

/** What a request or connection tells about its sender: the socket's peer and any `X-Forwarded-For`. */
export interface ClientOrigin {
  peer: string | undefined;
  forwardedFor?: string | readonly string[];
}

/** The address used when a socket no longer knows its peer (closed before it was read). */
export const UNKNOWN_CLIENT_ADDRESS = 'unknown';

/**
 * An IP address in canonical text, or undefined. Accepts what proxies write in `X-Forwarded-For`:
 * `a.b.c.d`, `a.b.c.d:port`, IPv6, `[v6]`, `[v6]:port`, optionally quoted; an IPv4-mapped IPv6
 * address becomes its IPv4 form, so one client has one address however the socket reports it.
 */
export function normalizeIpAddress(text: string): string | undefined {
  let value = text.trim();
  if (value.length > 64) return undefined;
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
  const withPort = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(value) ?? /^([\d.]+):(\d{1,5})$/.exec(value);
  if (withPort) {
    if (withPort[2] !== undefined && Number(withPort[2]) > 65535) return undefined;
    value = withPort[1];
  }
  // A zone id (fe80::1%eth0) names a local interface: meaningless as a client identity.
  if (value.includes('%')) return undefined;
  const family = isIP(value);
  if (family === 4) return value;
  if (family !== 6) return undefined;
  // Canonical form first: it also writes a hex-mapped address (::ffff:a00:1) as ::ffff:10.0.0.1.
  const canonical = canonicalIPv6(value.toLowerCase());
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(canonical);
  return mapped && isIPv4(mapped[1]) ? mapped[1] : canonical;
}

/** `2001:DB8:0:0::1` and `2001:db8::0:1` are one address: compare and count them as one. */
function canonicalIPv6(address: string): string {
  return new SocketAddress({ address, family: 'ipv6' }).address;
}

/** Parses `PARLEY_TRUSTED_PROXIES`: comma-separated addresses or CIDRs. Throws naming a bad entry. */
export function parseTrustedProxies(text: string | undefined): string[] {
  if (!text) return [];
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) toRule(entry);
  return entries;
}

interface ProxyRule {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

function toRule(entry: string): ProxyRule {
  const [rawAddress, rawPrefix, extra] = entry.split('/');
  if (extra !== undefined) throw new Error(`not an address or CIDR: ${entry}`);
  const address = normalizeIpAddress(rawAddress.includes(':') && !rawAddress.startsWith('[') ? `[${rawAddress}]` : rawAddress);
  if (!address) throw new Error(`not an address or CIDR: ${entry}`);
  const family = isIPv4(address) ? 'ipv4' : 'ipv6';
  const max = family === 'ipv4' ? 32 : 128;
  let prefix = max;
  if (rawPrefix !== undefined) {
    if (!/^\d{1,3}$/.test(rawPrefix)) throw new Error(`not an address or CIDR: ${entry}`);
    prefix = Number(rawPrefix);
    // An IPv4-mapped IPv6 network (::ffff:10.0.0.0/104) is the IPv4 network 10.0.0.0/8.
    if (family === 'ipv4' && rawAddress.includes(':')) prefix -= 96;
    if (prefix < 0 || prefix > max) throw new Error(`prefix out of range: ${entry}`);
  }
  return { address, prefix, family };
}

/** Addresses and CIDRs (IPv4, IPv6; as `parseTrustedProxies` accepts them): does one contain an address? */
export class AddressList {
  private readonly subnets = new BlockList();
  readonly size: number;

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const rule = toRule(entry);
      this.subnets.addSubnet(rule.address, rule.prefix, rule.family);
    }
    this.size = entries.length;
  }

  /** `address` in any form `normalizeIpAddress` reads (an IPv4-mapped IPv6 one matches its IPv4 entries). */
  includes(address: string): boolean {
    const normalized = normalizeIpAddress(address);
    return normalized !== undefined && this.subnets.check(normalized, isIPv4(normalized) ? 'ipv4' : 'ipv6');
  }
}

/**
 * Who a request comes from, for throttling and logs: the socket's peer, or, when the peer is a
 * trusted proxy, the right-most `X-Forwarded-For` entry that is not itself a trusted proxy. Entries
 * left of that one were written by the client and prove nothing. A malformed entry met on the way
 * stops the walk at the last trusted hop, whose address is then used: never a forged value.
 */
export class ClientAddressResolver {
  private readonly trusted: AddressList;
  private readonly hasTrusted: boolean;

  constructor(trustedProxies: readonly string[] = []) {
    this.trusted = new AddressList(trustedProxies);
    this.hasTrusted = trustedProxies.length > 0;
  }

  resolve(origin: ClientOrigin): string {
    const peer = origin.peer === undefined ? undefined : normalizeIpAddress(origin.peer);
    if (!peer) return UNKNOWN_CLIENT_ADDRESS;
    if (!this.hasTrusted || !this.isTrusted(peer) || origin.forwardedFor === undefined) return peer;
    const header = typeof origin.forwardedFor === 'string' ? origin.forwardedFor : origin.forwardedFor.join(',');
    // Node bounds the header block (16 KB by default), and with it this walk.
    const hops = header.split(',');
    let nearest = peer;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = normalizeIpAddress(hops[i]);
      if (!hop) return nearest;
      if (!this.isTrusted(hop)) return hop;
      nearest = hop;
    }
    return nearest;
  }

  private isTrusted(address: string): boolean {
    return this.trusted.includes(address);
  }
}
