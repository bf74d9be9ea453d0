import { Availability, offlineView, type WatcherView } from '@parley/presence-bridge/presence-engine';
import { toGraphPresenceResource } from './graph-presence.view';

const view = (patch: Partial<WatcherView>): WatcherView => ({ ...offlineView(), ...patch });

describe('toGraphPresenceResource', () => {
  it('names the user by object id and pads the sequence so that it sorts as text', () => {
    const early = toGraphPresenceResource('id-1', { mailbox: 'a@x.test', sequence: 9, view: offlineView() });
    const late = toGraphPresenceResource('id-1', { mailbox: 'a@x.test', sequence: 10, view: offlineView() });
    expect(early).toMatchObject({ id: 'id-1', availability: 'Offline', activity: 'Offline', sequenceNumber: '00000000000000000009' });
    expect([late.sequenceNumber, early.sequenceNumber].sort()).toEqual([early.sequenceNumber, late.sequenceNumber]);
    expect(toGraphPresenceResource('id-1', { mailbox: 'a@x.test', sequence: 0, view: offlineView() }).sequenceNumber).toBeNull();
  });

  it('puts the personal note in statusMessage and the OOF reply in outOfOfficeSettings', () => {
    const personal = view({ availability: Availability.busy, token: 'busy', note: { kind: 'personal', text: 'In the lab' } });
    expect(toGraphPresenceResource('i', { mailbox: 'a@x.test', sequence: 1, view: personal })).toMatchObject({
      availability: 'Busy',
      activity: 'Busy',
      statusMessage: { message: { content: 'In the lab', contentType: 'text' } },
      outOfOfficeSettings: { message: null, isOutOfOffice: false },
    });
    const oof = view({
      availability: Availability.away,
      token: 'away',
      activity: 'out-of-office',
      oof: true,
      note: { kind: 'oof', text: 'Back Monday' },
    });
    expect(toGraphPresenceResource('i', { mailbox: 'a@x.test', sequence: 2, view: oof })).toMatchObject({
      availability: 'Away',
      activity: 'OutOfOffice',
      statusMessage: null,
      outOfOfficeSettings: { message: 'Back Monday', isOutOfOffice: true },
    });
  });

  it('shows OOF without a reply as the marker alone', () => {
    const marker = view({ availability: Availability.available, token: 'available', oof: true });
    expect(toGraphPresenceResource('i', { mailbox: 'a@x.test', sequence: 3, view: marker }).outOfOfficeSettings).toEqual({
      message: null,
      isOutOfOffice: true,
    });
  });
});
