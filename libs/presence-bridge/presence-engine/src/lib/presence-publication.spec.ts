import { aggregatePresence } from './aggregate-presence';
import { defaultPresencePolicy, noSources, PresenceSources } from './presence-sources';
import { nextPublication, PublishedPresence } from './presence-publication';

const now = Date.parse('2026-03-02T09:00:00Z');
const view = (s: Partial<PresenceSources>, at = now) => aggregatePresence({ ...noSources, ...s }, at, defaultPresencePolicy);

describe('change detection and sequence numbers', () => {
  it("a user's first view is published with sequence 1", () => {
    expect(nextPublication(null, view({}))).toEqual({ sequence: 1, view: view({}) });
  });

  it('an unchanged view is not published again, also when only the instant moved', () => {
    const active = { endpoints: [{ endpointId: 'e1', label: 'web', lastActivityAt: now }] };
    const first = nextPublication(null, view(active)) as PublishedPresence;
    expect(nextPublication(first, view(active, now + 60_000))).toBeNull();
    // Fresh activity on an active endpoint is no change either.
    expect(
      nextPublication(first, view({ endpoints: [{ endpointId: 'e1', label: 'web', lastActivityAt: now + 30_000 }] }, now + 60_000)),
    ).toBeNull();
  });

  it('each change is published once with the next sequence number', () => {
    let last = nextPublication(null, view({})) as PublishedPresence;
    const steps: Partial<PresenceSources>[] = [
      { calendar: { status: 'busy', until: now + 60_000 } },
      { calendar: { status: 'busy', until: now + 60_000 } },
      { calendar: { status: 'busy', until: now + 60_000 }, oof: { active: true, message: 'Back Monday' } },
      { calendar: { status: 'busy', until: now + 120_000 }, oof: { active: true, message: 'Back Monday' } },
      { personalNote: 'hi' },
      { personalNote: 'hi', messageWaiting: { newMessages: 1, oldMessages: 0 } },
    ];
    const sequences: (number | null)[] = [];
    for (const step of steps) {
      const next = nextPublication(last, view(step));
      sequences.push(next?.sequence ?? null);
      if (next) last = next;
    }
    expect(sequences).toEqual([2, null, 3, 4, 5, 6]);
  });

  it('an endpoint crossing the idle threshold is a change', () => {
    const s = { endpoints: [{ endpointId: 'e1', label: 'web', lastActivityAt: now }] };
    const first = nextPublication(null, view(s)) as PublishedPresence;
    expect(nextPublication(first, view(s, now + 5 * 60_000))).toMatchObject({ sequence: 2, view: { token: 'available-idle' } });
  });

  it('a view read back from JSON compares equal to the same view', () => {
    const v = view({
      calendar: { status: 'busy', until: now + 60_000 },
      endpoints: [{ endpointId: 'e1', label: 'web', lastActivityAt: now - 600_000 }],
    });
    const stored = JSON.parse(JSON.stringify({ sequence: 7, view: v })) as PublishedPresence;
    expect(nextPublication(stored, v)).toBeNull();
  });

  it('the order endpoints are handed in is no change', () => {
    const desk = { endpointId: 'desk', label: 'Desk', lastActivityAt: now };
    const phone = { endpointId: 'phone', label: 'Phone', lastActivityAt: now - 20 * 60_000 };
    const first = nextPublication(null, view({ endpoints: [desk, phone] })) as PublishedPresence;
    expect(nextPublication(first, view({ endpoints: [phone, desk] }))).toBeNull();
  });

  it('after a publication whose view is unknown, any view is a change with the next sequence', () => {
    expect(nextPublication({ sequence: 4, view: null }, view({}))).toEqual({ sequence: 5, view: view({}) });
  });
});
