import type { WatcherView } from '@parley/presence-bridge/presence-engine';
import { messageSummaryFor, pidfFromPresence, writeMessageSummary, writePidf } from '@parley/presence-bridge/sip';

/**
 * An event package this front is the notifier of (RFC 6665 §7): which body its NOTIFYs carry and how a watched view
 * becomes that body.
 */
export interface SipEventPackage {
  readonly name: 'presence' | 'message-summary';
  /** The one body type of its NOTIFYs, also what a SUBSCRIBE without Accept is taken to accept. */
  readonly contentType: string;
  /** Only the presentity itself may subscribe (its message-waiting counts are private). */
  readonly ownerOnly: boolean;
  /** The NOTIFY body for a view of the presentity as the subscriber sees it; `targetUri` is the presentity's SIP URI. */
  render(targetUri: string, view: WatcherView): string;
}

/** RFC 3856 with PIDF (RFC 3863) and RPID, written by the bodies lib (docs/sip.md, "Presence mapping"). */
const PRESENCE: SipEventPackage = {
  name: 'presence',
  contentType: 'application/pidf+xml',
  ownerOnly: false,
  render: (targetUri, view) => writePidf(pidfFromPresence(targetUri, view)),
};

/** RFC 3842: the owner's voicemail counts, which only the owner's own view carries. */
const MESSAGE_SUMMARY: SipEventPackage = {
  name: 'message-summary',
  contentType: 'application/simple-message-summary',
  ownerOnly: true,
  render: (targetUri, view) => writeMessageSummary(messageSummaryFor(targetUri, view.messageWaiting ?? { newMessages: 0, oldMessages: 0 })),
};

export const SIP_EVENT_PACKAGES: ReadonlyMap<string, SipEventPackage> = new Map([PRESENCE, MESSAGE_SUMMARY].map((p) => [p.name, p]));

/** What 489 and OPTIONS list in Allow-Events. */
export const SIP_ALLOW_EVENTS = [...SIP_EVENT_PACKAGES.keys()].join(', ');

/**
 * Whether the Accept header lines of a SUBSCRIBE admit `contentType` (RFC 3261 §20.1): no Accept at all means the
 * package's default, which is the one type each package here sends; otherwise a media range must match it, `*` wildcards
 * included. An Accept line that is present but empty accepts nothing.
 */
export function acceptsContentType(acceptLines: readonly string[], contentType: string): boolean {
  if (acceptLines.length === 0) return true;
  const [type, subtype] = contentType.toLowerCase().split('/');
  for (const line of acceptLines) {
    for (const element of line.split(',')) {
      const range = element.split(';')[0].trim().toLowerCase();
      if (range === '') continue;
      const [rangeType, rangeSubtype] = range.split('/').map((part) => part.trim());
      if (rangeType === '*' && rangeSubtype === '*') return true;
      if (rangeType === type && (rangeSubtype === '*' || rangeSubtype === subtype)) return true;
    }
  }
  return false;
}

export interface SubscriptionExpiryRange {
  minExpires: number;
  maxExpires: number;
  /** Granted when the SUBSCRIBE names no Expires (RFC 6665 §7.2 leaves the default to each package; both here say 3600). */
  defaultExpires: number;
}

export type SubscriptionExpiry =
  /** `seconds` 0: a fetch or an unsubscribe (RFC 6665 §4.1.2.3, §4.2.1.4). */
  { readonly kind: 'granted'; readonly seconds: number } | { readonly kind: 'too-brief'; readonly minExpires: number };

/** The duration granted for a requested Expires (RFC 6665 §4.2.1.1: shorter than the minimum → 423, longer → shortened). */
export function subscriptionExpiry(requested: number | undefined, range: SubscriptionExpiryRange): SubscriptionExpiry {
  const seconds = requested ?? range.defaultExpires;
  if (seconds === 0) return { kind: 'granted', seconds: 0 };
  if (seconds < range.minExpires) return { kind: 'too-brief', minExpires: range.minExpires };
  return { kind: 'granted', seconds: Math.min(seconds, range.maxExpires) };
}
