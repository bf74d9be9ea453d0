import { Availability, availabilityToken } from './availability';

describe('availability ranges', () => {
  it.each<[number, string | null]>([
    [2999, null],
    [3000, 'available'],
    [4499, 'available'],
    [4500, 'available-idle'],
    [5999, 'available-idle'],
    [6000, 'busy'],
    [7499, 'busy'],
    [7500, 'busy-idle'],
    [8999, 'busy-idle'],
    [9000, 'do-not-disturb'],
    [11999, 'do-not-disturb'],
    [12000, 'be-right-back'],
    [14999, 'be-right-back'],
    [15000, 'away'],
    [17999, 'away'],
    [18000, 'offline'],
    [99999, 'offline'],
    [Number.NaN, null],
  ])('%d → %s', (n, token) => {
    expect(availabilityToken(n)).toBe(token);
  });

  it('each canonical value lies in the range it names', () => {
    expect(Object.values(Availability).map(availabilityToken)).toEqual([
      'available',
      'available-idle',
      'busy',
      'busy-idle',
      'do-not-disturb',
      'be-right-back',
      'away',
      'offline',
    ]);
  });
});
