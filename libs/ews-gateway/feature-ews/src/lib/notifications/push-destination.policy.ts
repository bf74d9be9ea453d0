import { lookup } from 'node:dns/promises';
import { isIPv4 } from 'node:net';
import { AddressList, normalizeIpAddress } from '@parley/sign-in';
import { NotificationException } from './notification.exception';

/**
 * Addresses a push callback never reaches unless `PARLEY_EWS_PUSH_ALLOWED` names them: everything
 * but public unicast. The gateway sits inside the deployment's network, so a callback URL is a way
 * for any mailbox user to make it send requests; these are where that would hurt (RFC 6890).
 */
export const NON_PUBLIC_RANGES: readonly string[] = [
  '0.0.0.0/8', // "this network"
  '10.0.0.0/8', // private
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local, with the cloud metadata service at 169.254.169.254
  '172.16.0.0/12', // private
  '192.0.0.0/24', // IETF protocol assignments
  '192.168.0.0/16', // private
  '198.18.0.0/15', // benchmarking
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved, and the broadcast address
  '::/128', // unspecified
  '::1/128', // loopback
  '64:ff9b::/96', // NAT64: reaches IPv4 space, private ranges included, through a translator
  'fc00::/7', // unique local
  'fe80::/10', // link-local
  'ff00::/8', // multicast
];

/** A callback destination that passed the policy: the URL, and the address the request must connect to. */
export interface PushDestination {
  readonly url: URL;
  /** The checked address: the request connects here, never to a second lookup's answer (no DNS rebinding). */
  readonly address: string;
  readonly family: 4 | 6;
}

export type HostResolver = (host: string) => Promise<readonly string[]>;

const resolveWithDns: HostResolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Where push notification callbacks may go: http(s) URLs whose host resolves only to public unicast
 * addresses, or to addresses / host names `PARLEY_EWS_PUSH_ALLOWED` lists. Checked at Subscribe and
 * again before every send (a name may resolve elsewhere by then); the send then connects to the
 * address checked here.
 */
export class PushDestinationPolicy {
  private readonly nonPublic = new AddressList(NON_PUBLIC_RANGES);
  private readonly allowedAddresses: AddressList;
  private readonly allowedHosts: ReadonlySet<string>;

  constructor(
    allowed: { readonly cidrs: readonly string[]; readonly hosts: readonly string[] },
    private readonly resolve: HostResolver = resolveWithDns,
  ) {
    this.allowedAddresses = new AddressList(allowed.cidrs);
    this.allowedHosts = new Set(allowed.hosts.map((h) => h.toLowerCase()));
  }

  /** The destination to connect to; throws `ErrorInvalidPushSubscriptionUrl` saying why not. */
  async check(urlText: string): Promise<PushDestination> {
    let url: URL;
    try {
      url = new URL(urlText);
    } catch {
      throw refused('The push callback URL is not a valid absolute URL.');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused('The push callback URL must be http or https.');
    if (url.username !== '' || url.password !== '') throw refused('The push callback URL must not carry credentials.');
    const host = url.hostname.toLowerCase();
    const literal = normalizeIpAddress(host);
    let addresses: readonly string[];
    if (literal !== undefined) addresses = [literal];
    else {
      try {
        addresses = (await this.resolve(host)).map((a) => normalizeIpAddress(a) ?? a);
      } catch {
        throw refused(`The push callback host '${host.slice(0, 253)}' does not resolve.`);
      }
      if (addresses.length === 0) throw refused(`The push callback host '${host.slice(0, 253)}' does not resolve.`);
    }
    // Every address the name has must pass: a name that mixes a public and an internal address is refused.
    const barred = addresses.find((address) => !this.allows(host, address));
    if (barred !== undefined) throw refused(`Push callbacks to ${barred} are not allowed on this server.`);
    return { url, address: addresses[0], family: isIPv4(addresses[0]) ? 4 : 6 };
  }

  private allows(host: string, address: string): boolean {
    if (this.allowedHosts.has(host) || this.allowedAddresses.includes(address)) return true;
    return !this.nonPublic.includes(address);
  }
}

function refused(message: string): NotificationException {
  return new NotificationException('ErrorInvalidPushSubscriptionUrl', message);
}
