import { languageTags, Translator } from './i18n/i18n';
import { activityText, noteOf, pickedStateOf, presenceLine, toneOf } from './presence-format';
import type { PresenceState } from './protocol';

const base: PresenceState = {
  availability: 3500,
  token: 'available',
  activity: null,
  note: null,
  oof: false,
  calendar: null,
  lastActiveAt: null,
};
const now = Date.parse('2026-12-03T08:00:00Z');
const meeting: PresenceState = {
  ...base,
  availability: 6500,
  token: 'busy',
  activity: 'in-a-meeting',
  calendar: { state: 'in-a-meeting', until: '2026-12-03T10:30:00.000Z' },
};

describe('activity text', () => {
  it.each([
    ['en', 'In a meeting until 11:30 AM'],
    ['it', 'In riunione fino alle 11:30'],
    ['zh-CN', '会议中，直到 11:30'],
    ['ru', 'На совещании до 11:30'],
    ['fr', 'En réunion jusqu’à 11:30'],
    ['ko', '오전 11:30까지 회의 중'],
  ] as const)('%s: "in a meeting until" in the user\'s time zone (Europe/Rome)', (tag, expected) => {
    const text = activityText(new Translator(tag, 'Europe/Rome'), meeting, now);
    expect(text?.replace(/\s/g, ' ')).toBe(expected);
  });

  it('every language says when a meeting ends in another time zone too', () => {
    for (const tag of languageTags) {
      const text = activityText(new Translator(tag, 'Asia/Tokyo'), meeting, now) ?? '';
      // 10:30Z is 19:30 in Tokyo: 19:30 or 7:30 PM / 오후 7:30 / 下午7:30 depending on the locale's clock.
      expect({ tag, ok: /19:30|7:30/.test(text) }).toEqual({ tag, ok: true });
    }
  });

  it('names a later day when the meeting does not end today', () => {
    const t = new Translator('en', 'UTC');
    const text = activityText(t, { ...meeting, calendar: { state: 'in-a-meeting', until: '2026-12-04T10:30:00.000Z' } }, now);
    expect(text).toMatch(/^In a meeting until Fri,? 10:30\sAM$/);
  });

  it('uses the activity when the calendar does not decide, and nothing when the availability says it all', () => {
    const t = new Translator('en', 'UTC');
    expect(activityText(t, { ...base, token: 'busy', activity: 'on-the-phone' }, now)).toBe('In a call');
    expect(activityText(t, { ...meeting, calendar: { state: 'in-a-meeting', until: null } }, now)).toBe('In a meeting');
    expect(activityText(t, base, now)).toBeNull();
    expect(presenceLine(t, meeting, now)).toMatch(/^Busy · In a meeting until 10:30\sAM$/);
    expect(presenceLine(t, { ...base, token: 'offline', availability: 18000, lastActiveAt: '2026-12-03T07:15:00Z' }, now)).toMatch(
      /^Offline · Last active 7:15\sAM$/,
    );
  });
});

describe('presence marks', () => {
  it('gives each availability a tone, idle ones their tone too', () => {
    expect(
      ['available', 'available-idle', 'busy', 'busy-idle', 'do-not-disturb', 'be-right-back', 'away', 'offline'].map((t) =>
        toneOf(t as PresenceState['token']),
      ),
    ).toEqual(['available', 'available', 'busy', 'busy', 'busy', 'away', 'away', 'offline']);
  });

  it('shows the OOF note marked as such, the personal note otherwise, nothing for a blank one', () => {
    expect(noteOf({ ...base, oof: true, note: { kind: 'oof', text: 'Back on Monday' } })).toEqual({ text: 'Back on Monday', oof: true });
    expect(noteOf({ ...base, note: { kind: 'personal', text: ' In Paris ' } })).toEqual({ text: 'In Paris', oof: false });
    expect(noteOf({ ...base, note: { kind: 'personal', text: '  ' } })).toBeNull();
  });

  it("reads the picker's choice back from the computed presence, not from the click", () => {
    expect(pickedStateOf(null)).toBe('automatic');
    expect(pickedStateOf({ ...meeting, driver: 'calendar' })).toBe('automatic');
    expect(pickedStateOf({ ...base, token: 'do-not-disturb', driver: 'user-state' })).toBe('do-not-disturb');
    expect(pickedStateOf({ ...base, token: 'away', activity: 'off-work', driver: 'user-state' })).toBe('off-work');
    expect(pickedStateOf({ ...base, token: 'away', driver: 'user-state' })).toBe('away');
  });
});
