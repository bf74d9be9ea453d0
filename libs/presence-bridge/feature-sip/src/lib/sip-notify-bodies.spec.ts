import type { WatchedPresence } from '@parley/presence-bridge/feature-presence';
import { offlineView, type WatcherView } from '@parley/presence-bridge/presence-engine';
import { parsePidf } from '@parley/presence-bridge/sip';
import { SIP_EVENT_PACKAGES, type SipEventPackage } from './sip-event-packages';
import { SipNotifyBodies } from './sip-notify-bodies';

const BOB = 'bob@parley.test';
const BOB_URI = `sip:${BOB}`;

function presencePackage(): SipEventPackage {
  const pkg = SIP_EVENT_PACKAGES.get('presence');
  if (pkg === undefined) throw new Error('no presence package');
  return pkg;
}

/** The package, with each rendering counted. */
function countingPackage(): { pkg: SipEventPackage; renders: () => number } {
  const inner = presencePackage();
  let count = 0;
  const pkg: SipEventPackage = {
    ...inner,
    render: (uri, view) => {
      count += 1;
      return inner.render(uri, view);
    },
  };
  return { pkg, renders: () => count };
}

function busy(note: string): WatcherView {
  return { ...offlineView(), availability: 6500, token: 'busy', note: { kind: 'personal', text: note }, lastActiveAt: null };
}

function watched(sequence: number, view: WatcherView): WatchedPresence {
  return { mailbox: BOB, sequence, view };
}

describe('SipNotifyBodies', () => {
  it('renders one body per distinct view of a change, whatever the number of watchers with that view', () => {
    const bodies = new SipNotifyBodies();
    const { pkg, renders } = countingPackage();
    // The core hands every watcher an object of its own with the same values.
    const first = bodies.body(pkg, BOB_URI, watched(7, busy('Workshop')));
    for (let i = 0; i < 999; i++) expect(bodies.body(pkg, BOB_URI, watched(7, busy('Workshop')))).toBe(first);
    expect(renders()).toBe(1);
    expect(parsePidf(first).persons[0].parley?.token).toBe('busy');

    // A blocked watcher's Offline view of the same change is a body of its own.
    const offline = bodies.body(pkg, BOB_URI, watched(7, offlineView()));
    expect(parsePidf(offline).persons[0].parley?.token).toBe('offline');
    expect(renders()).toBe(2);
  });

  it('renders a newer change afresh, and never hands an older change the newer body', () => {
    const bodies = new SipNotifyBodies();
    const { pkg, renders } = countingPackage();
    const before = bodies.body(pkg, BOB_URI, watched(7, busy('Workshop')));
    const after = bodies.body(pkg, BOB_URI, watched(8, busy('Lunch')));
    expect(after).not.toBe(before);
    expect(after).toContain('Lunch');
    // A subscriber behind by one change still gets the view it was handed.
    expect(bodies.body(pkg, BOB_URI, watched(7, busy('Workshop')))).toContain('Workshop');
    expect(renders()).toBe(3);
  });

  it('keeps presentities apart by URI and package', () => {
    const bodies = new SipNotifyBodies();
    const view = busy('Workshop');
    const bob = bodies.body(presencePackage(), BOB_URI, watched(1, view));
    const carol = bodies.body(presencePackage(), 'sip:carol@parley.test', watched(1, view));
    expect(bob).toContain(BOB_URI);
    expect(carol).toContain('sip:carol@parley.test');
    expect(bodies.size).toBe(2);
  });
});
