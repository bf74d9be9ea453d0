import { offlineView, type WatcherView } from '@parley/presence-bridge/presence-engine';
import { parseMessageSummary, parsePidf } from '@parley/presence-bridge/sip';
import { acceptsContentType, SIP_ALLOW_EVENTS, SIP_EVENT_PACKAGES, subscriptionExpiry } from './sip-event-packages';

describe('acceptsContentType', () => {
  const pidf = 'application/pidf+xml';

  it('takes no Accept header as the package default', () => {
    expect(acceptsContentType([], pidf)).toBe(true);
  });

  it('matches exact types, wildcards, parameters, case and lists spread over several lines', () => {
    expect(acceptsContentType(['application/PIDF+xml;q=0.5'], pidf)).toBe(true);
    expect(acceptsContentType(['application/*'], pidf)).toBe(true);
    expect(acceptsContentType(['*/*'], pidf)).toBe(true);
    expect(acceptsContentType(['text/plain', 'application/xpidf+xml, application/pidf+xml'], pidf)).toBe(true);
  });

  it('refuses other types, and an Accept that is present but empty (the client accepts no body at all)', () => {
    expect(acceptsContentType(['application/xpidf+xml'], pidf)).toBe(false);
    expect(acceptsContentType(['text/*'], pidf)).toBe(false);
    expect(acceptsContentType([''], pidf)).toBe(false);
    expect(acceptsContentType(['application/pidf+xml'], 'application/simple-message-summary')).toBe(false);
  });
});

describe('subscriptionExpiry', () => {
  const range = { minExpires: 60, maxExpires: 3600, defaultExpires: 3600 };

  it('grants the default without Expires, shortens a long one, and keeps 0 for a fetch or unsubscribe', () => {
    expect(subscriptionExpiry(undefined, range)).toEqual({ kind: 'granted', seconds: 3600 });
    expect(subscriptionExpiry(86_400, range)).toEqual({ kind: 'granted', seconds: 3600 });
    expect(subscriptionExpiry(600, range)).toEqual({ kind: 'granted', seconds: 600 });
    expect(subscriptionExpiry(0, range)).toEqual({ kind: 'granted', seconds: 0 });
  });

  it('refuses a non-zero interval below the minimum (423 with Min-Expires)', () => {
    expect(subscriptionExpiry(59, range)).toEqual({ kind: 'too-brief', minExpires: 60 });
    expect(subscriptionExpiry(1, range)).toEqual({ kind: 'too-brief', minExpires: 60 });
  });
});

describe('SIP_EVENT_PACKAGES', () => {
  const busy: WatcherView = { ...offlineView(), availability: 6500, token: 'busy', lastActiveAt: null };

  it('announces both packages', () => {
    expect(SIP_ALLOW_EVENTS).toBe('presence, message-summary');
  });

  it('renders presence as PIDF for the target, readable by the PIDF reader', () => {
    const presence = SIP_EVENT_PACKAGES.get('presence');
    const doc = parsePidf(presence?.render('sip:bob@parley.test', busy) ?? '');
    expect(doc.entity).toBe('pres:bob@parley.test');
    expect(doc.tuples[0].basic).toBe('open');
    expect(doc.persons[0].activities?.activities).toEqual(['busy']);
    expect(presence?.ownerOnly).toBe(false);
  });

  it('renders message-summary from the owner’s counts, zero when the view has none', () => {
    const summary = SIP_EVENT_PACKAGES.get('message-summary');
    expect(summary?.ownerOnly).toBe(true);
    expect(parseMessageSummary(summary?.render('sip:alice@parley.test', busy) ?? '')).toEqual({
      messagesWaiting: false,
      account: 'sip:alice@parley.test',
      counts: { voice: { newMessages: 0, oldMessages: 0 } },
    });
    const waiting = summary?.render('sip:alice@parley.test', { ...busy, messageWaiting: { newMessages: 2, oldMessages: 5 } }) ?? '';
    expect(waiting).toBe('Messages-Waiting: yes\r\nMessage-Account: sip:alice@parley.test\r\nVoice-Message: 2/5\r\n');
  });
});
