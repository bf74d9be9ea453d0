import { nextOofChangeAfter, oofActiveAt, type OofSettings } from '@parley/contracts';
import { calendarStateAt, nextBoundaryAfter, PresenceInterval, presenceStateOf } from './presence-state';

const H = 3_600_000;
const at = (hours: number) => hours * H;

describe('presence state of a calendar', () => {
  it('maps free/busy statuses: Free, WorkingElsewhere and NoData leave presence free', () => {
    expect(['Busy', 'Tentative', 'OOF', 'Free', 'WorkingElsewhere', 'NoData'].map((s) => presenceStateOf(s as never))).toEqual([
      'busy',
      'tentative',
      'out-of-office',
      'free',
      'free',
      'free',
    ]);
  });

  it('is free outside every interval, and at the exclusive end of one', () => {
    const meeting: PresenceInterval[] = [{ start: at(10), end: at(11), state: 'busy' }];
    expect(calendarStateAt(meeting, at(9))).toEqual({ state: 'free', until: null });
    expect(calendarStateAt(meeting, at(10))).toEqual({ state: 'busy', until: at(11) });
    expect(calendarStateAt(meeting, at(11))).toEqual({ state: 'free', until: null });
    expect(calendarStateAt([], at(10))).toEqual({ state: 'free', until: null });
  });

  it('merges overlapping and back-to-back intervals into one block; the strongest state covering the instant shows', () => {
    const day: PresenceInterval[] = [
      { start: at(13), end: at(14), state: 'busy' }, // back-to-back with the tentative one
      { start: at(10), end: at(11), state: 'busy' },
      { start: at(10.5), end: at(13), state: 'tentative' },
      { start: at(10.25), end: at(10.75), state: 'out-of-office' },
      { start: at(15), end: at(16), state: 'busy' }, // a gap: another block
    ];
    expect(calendarStateAt(day, at(10.1))).toEqual({ state: 'busy', until: at(14) });
    expect(calendarStateAt(day, at(10.5))).toEqual({ state: 'out-of-office', until: at(14) });
    expect(calendarStateAt(day, at(12))).toEqual({ state: 'tentative', until: at(14) });
    expect(calendarStateAt(day, at(13))).toEqual({ state: 'busy', until: at(14) });
    expect(calendarStateAt(day, at(14.5))).toEqual({ state: 'free', until: null });
    expect(calendarStateAt(day, at(15))).toEqual({ state: 'busy', until: at(16) });
  });

  it('next transition: the nearest start or end strictly after the instant; none past the last end', () => {
    const day: PresenceInterval[] = [
      { start: at(10), end: at(11), state: 'busy' },
      { start: at(10.5), end: at(12), state: 'tentative' },
    ];
    expect(nextBoundaryAfter(day, at(9))).toBe(at(10));
    expect(nextBoundaryAfter(day, at(10))).toBe(at(10.5));
    expect(nextBoundaryAfter(day, at(10.75))).toBe(at(11));
    expect(nextBoundaryAfter(day, at(11))).toBe(at(12));
    expect(nextBoundaryAfter(day, at(12))).toBeNull();
  });
});

describe('effective OOF at an instant', () => {
  const scheduled: OofSettings = {
    state: 'Scheduled',
    externalAudience: 'All',
    startTime: new Date(at(10)).toISOString(),
    endTime: new Date(at(12)).toISOString(),
    internalReply: 'away',
    externalReply: 'away',
  };

  it('a Scheduled window is on in [start, end) and changes at its start and its end', () => {
    expect([at(9), at(10), at(11), at(12)].map((t) => oofActiveAt(scheduled, t))).toEqual([false, true, true, false]);
    expect([at(9), at(10), at(11), at(12)].map((t) => nextOofChangeAfter(scheduled, t))).toEqual([at(10), at(12), at(12), null]);
  });

  it('Enabled is on and Disabled off whatever the window says, and neither changes by itself', () => {
    for (const state of ['Enabled', 'Disabled'] as const) {
      expect(oofActiveAt({ ...scheduled, state }, at(9))).toBe(state === 'Enabled');
      expect(nextOofChangeAfter({ ...scheduled, state }, at(9))).toBeNull();
    }
  });
});
