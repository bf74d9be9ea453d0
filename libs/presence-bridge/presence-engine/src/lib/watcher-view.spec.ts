import { aggregatePresence } from './aggregate-presence';
import { defaultPresencePolicy, noSources, PresenceSources } from './presence-sources';
import { viewFor } from './watcher-view';

const now = Date.parse('2026-03-02T09:00:00Z');
const owner = 'anna@example.com';
const view = (s: Partial<PresenceSources>) => aggregatePresence({ ...noSources, ...s }, now, defaultPresencePolicy);

describe('what each watcher sees', () => {
  const busyIdle = view({
    endpoints: [{ endpointId: 'e1', label: 'Parley web', lastActivityAt: now - 6 * 60_000 }],
    calendar: { status: 'busy', until: now + 60_000 },
    oof: { active: true, message: 'Back Monday' },
    messageWaiting: { newMessages: 3, oldMessages: 1 },
  });

  it('the user sees everything, their endpoints and message waiting included', () => {
    expect(viewFor({ mailbox: owner }, owner, busyIdle, false)).toEqual(busyIdle);
  });

  it('another user sees the aggregate, calendar context and note, but no endpoint detail, counts or source', () => {
    const seen = viewFor({ mailbox: 'bob@example.com' }, owner, busyIdle, false);
    expect(seen).toEqual({
      availability: 8000,
      token: 'busy-idle',
      activity: 'in-a-meeting',
      note: { kind: 'oof', text: 'Back Monday' },
      oof: true,
      calendar: { state: 'in-a-meeting', until: new Date(now + 60_000).toISOString() },
      lastActiveAt: new Date(now - 6 * 60_000).toISOString(),
    });
  });

  it('a blocked watcher sees Offline and nothing else: the same as a user who is offline', () => {
    const blocked = viewFor({ mailbox: 'eve@example.com' }, owner, busyIdle, true);
    expect(blocked).toEqual({
      availability: 18500,
      token: 'offline',
      activity: null,
      note: null,
      oof: false,
      calendar: null,
      lastActiveAt: null,
    });
    const reallyOffline = viewFor({ mailbox: 'bob@example.com' }, owner, view({}), false);
    expect(blocked).toEqual(reallyOffline);
  });

  it('a user appearing offline shows no last-active time to others', () => {
    const hiding = view({
      endpoints: [{ endpointId: 'e1', label: 'Parley web', lastActivityAt: now - 20 * 60_000 }],
      userState: { state: 'appear-offline', expiresAt: null },
    });
    expect(hiding.lastActiveAt).not.toBeNull();
    expect(viewFor({ mailbox: 'bob@example.com' }, owner, hiding, false)).toMatchObject({ token: 'offline', lastActiveAt: null });
  });
});
