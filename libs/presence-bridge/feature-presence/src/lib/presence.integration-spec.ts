import { DISABLED_OOF_SETTINGS, OofChanged } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { PresenceService } from './presence.service';
import { PresenceSettingsService } from './presence-settings.service';
import { PresenceSettingsTestBed, startPresenceSettingsTestBed } from '../../test/presence-settings-test-bed';

const ANNA = 'anna@example.com';
const now = new Date('2026-03-02T09:00:00Z');

const oof = (revision: number, active: boolean, internalReply: string): OofChanged => ({
  mailbox: ANNA,
  settings: { ...DISABLED_OOF_SETTINGS, state: active ? 'Enabled' : 'Disabled', internalReply },
  active,
  revision,
});

describe('OOF events through the presence engine on PostgreSQL', () => {
  let bed: PresenceSettingsTestBed;
  let presence: PresenceService;
  let settings: PresenceSettingsService;

  beforeAll(async () => {
    bed = await startPresenceSettingsTestBed('presence_oof_it');
    ({ presence, settings } = bed);
  });

  afterAll(async () => {
    await bed?.close();
  });

  beforeEach(async () => {
    await bed.reset();
  });

  it('OOF on with nobody connected: Offline with the marker and the OOF note, published once with sequence 1', async () => {
    expect(await presence.applyOof(randomUUID(), oof(1, true, 'Back Monday'), now)).toBe('applied');
    expect(await bed.presenceEvents()).toEqual([
      { mailbox: ANNA, sequence: 1, availability: 18500, activity: 'out-of-office', note: 'Back Monday', oof: true },
    ]);
    expect(await presence.get(ANNA)).toMatchObject({ sequence: 1, oof: true, oofNote: 'Back Monday', oofRevision: 1 });
  });

  it('publishes each change once: a new revision that changes nothing visible is recorded but not published', async () => {
    await presence.applyOof(randomUUID(), oof(1, true, 'Back Monday'), now);
    expect(
      await presence.applyOof(
        randomUUID(),
        { ...oof(2, true, 'Back Monday'), settings: { ...oof(2, true, 'Back Monday').settings, externalReply: 'x' } },
        now,
      ),
    ).toBe('unchanged');
    expect(await presence.applyOof(randomUUID(), oof(3, false, ''), now)).toBe('applied');
    expect((await bed.presenceEvents()).map((e) => [e.sequence, e.oof, e.note, e.activity])).toEqual([
      [1, true, 'Back Monday', 'out-of-office'],
      [2, false, null, null],
    ]);
    expect(await presence.get(ANNA)).toMatchObject({ sequence: 2, oof: false, oofRevision: 3 });
  });

  it('ignores a redelivered event and an older revision', async () => {
    const id = randomUUID();
    await presence.applyOof(id, oof(2, true, 'Back Monday'), now);
    expect(await presence.applyOof(id, oof(2, true, 'Back Monday'), now)).toBe('duplicate');
    expect(await presence.applyOof(randomUUID(), oof(1, false, ''), now)).toBe('stale');
    expect(await bed.presenceEvents()).toHaveLength(1);
  });

  it("the user's own state decides availability and their note shows once OOF is off", async () => {
    await settings.setUserState(ANNA, 'do-not-disturb', null, now);
    await settings.setPersonalNote(ANNA, 'In Oslo', now);
    await presence.applyOof(randomUUID(), oof(1, true, 'Back Monday'), now);
    await presence.applyOof(randomUUID(), oof(2, false, ''), now);
    expect((await bed.presenceEvents()).map((e) => [e.availability, e.activity, e.note, e.oof])).toEqual([
      [9500, 'out-of-office', 'Back Monday', true],
      [9500, null, 'In Oslo', false],
    ]);
  });

  it('a row from before the engine keeps counting its sequence', async () => {
    await bed.db.dataSource.query(
      `INSERT INTO presence_bridge.user_presence (mailbox, sequence, availability, activity, note, oof, oof_note, oof_revision)
       VALUES ($1, 7, 18000, NULL, NULL, false, NULL, 3)`,
      [ANNA],
    );
    expect(await presence.applyOof(randomUUID(), oof(4, false, ''), now)).toBe('applied');
    expect((await bed.presenceEvents()).map((e) => e.sequence)).toEqual([8]);
  });
});
