import { ActivityToken } from './availability';
import { graphDefaultPreferredExpiryMs, toGraphPresence, userStateFromGraph } from './graph-presence';
import { userStates } from './presence-sources';

describe("Microsoft Graph's presence vocabulary", () => {
  it.each<[number, ActivityToken | null, string, string]>([
    [3500, null, 'Available', 'Available'],
    [5000, null, 'AvailableIdle', 'Inactive'],
    [6500, null, 'Busy', 'Busy'],
    [8000, null, 'BusyIdle', 'Inactive'],
    [9500, null, 'DoNotDisturb', 'DoNotDisturb'],
    [12500, null, 'BeRightBack', 'BeRightBack'],
    [15500, null, 'Away', 'Away'],
    [18500, null, 'Offline', 'Offline'],
    [6500, 'in-a-meeting', 'Busy', 'InAMeeting'],
    [8000, 'in-a-meeting', 'BusyIdle', 'InAMeeting'],
    [6500, 'on-the-phone', 'Busy', 'InACall'],
    [6500, 'in-a-conference', 'Busy', 'InAConferenceCall'],
    [9500, 'presenting', 'DoNotDisturb', 'Presenting'],
    [15500, 'off-work', 'Away', 'OffWork'],
    [18500, 'off-work', 'Offline', 'OffWork'],
    [15500, 'out-of-office', 'Away', 'OutOfOffice'],
    [3500, 'out-of-office', 'Available', 'OutOfOffice'],
    [1000, null, 'PresenceUnknown', 'PresenceUnknown'],
    [1000, 'in-a-meeting', 'PresenceUnknown', 'PresenceUnknown'],
  ])('%d / %s → %s / %s', (availability, activity, graphAvailability, graphActivity) => {
    expect(toGraphPresence(availability, activity)).toEqual({ availability: graphAvailability, activity: graphActivity });
  });

  it.each<[string, string, string | null]>([
    ['Available', 'Available', 'available'],
    ['Busy', 'Busy', 'busy'],
    ['DoNotDisturb', 'DoNotDisturb', 'do-not-disturb'],
    ['BeRightBack', 'BeRightBack', 'be-right-back'],
    ['Away', 'Away', 'away'],
    ['Offline', 'OffWork', 'appear-offline'],
    // Pairs Graph refuses for a preferred presence.
    ['Busy', 'InACall', null],
    ['Offline', 'Offline', null],
    ['Away', 'OffWork', null],
    ['available', 'available', null],
    ['PresenceUnknown', 'PresenceUnknown', null],
  ])('preferred presence %s/%s sets %s', (availability, activity, state) => {
    expect(userStateFromGraph(availability, activity)).toBe(state);
  });

  it('a preferred presence without expirationDuration lasts a day when Busy or Do not disturb, a week otherwise', () => {
    const day = 24 * 60 * 60_000;
    expect(Object.fromEntries(userStates.map((s) => [s, graphDefaultPreferredExpiryMs(s) / day]))).toEqual({
      available: 7,
      busy: 1,
      'do-not-disturb': 1,
      'be-right-back': 7,
      away: 7,
      'off-work': 7,
      'appear-offline': 7,
    });
  });
});
