import { canonicalWindowsId, ianaToWindows, windowsTimeZoneIds, windowsToIana, windowsZoneIdOf } from './windows-zones';
import { isKnownIanaZone } from './zoned-time';

describe('Windows ↔ IANA time zones', () => {
  it.each([
    ['Pacific Standard Time', 'America/Los_Angeles'],
    ['Mountain Standard Time', 'America/Denver'],
    ['US Mountain Standard Time', 'America/Phoenix'],
    ['Central Standard Time', 'America/Chicago'],
    ['Eastern Standard Time', 'America/New_York'],
    ['Atlantic Standard Time', 'America/Halifax'],
    ['Newfoundland Standard Time', 'America/St_Johns'],
    ['E. South America Standard Time', 'America/Sao_Paulo'],
    ['UTC', 'Etc/UTC'],
    ['GMT Standard Time', 'Europe/London'],
    ['W. Europe Standard Time', 'Europe/Berlin'],
    ['Romance Standard Time', 'Europe/Paris'],
    ['Central Europe Standard Time', 'Europe/Budapest'],
    ['FLE Standard Time', 'Europe/Kyiv'],
    ['Russian Standard Time', 'Europe/Moscow'],
    ['India Standard Time', 'Asia/Kolkata'],
    ['China Standard Time', 'Asia/Shanghai'],
    ['Tokyo Standard Time', 'Asia/Tokyo'],
    ['AUS Eastern Standard Time', 'Australia/Sydney'],
    ['New Zealand Standard Time', 'Pacific/Auckland'],
    ['Dateline Standard Time', 'Etc/GMT+12'],
    ['UTC+12', 'Etc/GMT-12'],
  ])('%s → %s', (windows, iana) => {
    expect(windowsToIana(windows)).toBe(iana);
  });

  it('matches Windows ids case-insensitively, as Windows does, and refuses unknown ones', () => {
    expect(windowsToIana('pacific standard time')).toBe('America/Los_Angeles');
    expect(canonicalWindowsId(' w. europe standard time ')).toBe('W. Europe Standard Time');
    expect(windowsToIana('Mars Standard Time')).toBeNull();
    expect(windowsToIana('Europe/Berlin')).toBeNull();
  });

  it('covers the common Windows zones, each mapped to a zone this runtime knows', () => {
    const ids = windowsTimeZoneIds();
    expect(ids.length).toBeGreaterThanOrEqual(135);
    const unknown = ids.filter((id) => !isKnownIanaZone(windowsToIana(id) as string));
    expect(unknown).toEqual([]);
  });

  it('maps each golden zone back to its Windows id, and common other zones to theirs', () => {
    for (const id of windowsTimeZoneIds()) expect(ianaToWindows(windowsToIana(id) as string)).toBe(id);
    expect(ianaToWindows('Europe/Amsterdam')).toBe('W. Europe Standard Time');
    expect(ianaToWindows('Europe/Kiev')).toBe('FLE Standard Time');
    expect(ianaToWindows('Asia/Calcutta')).toBe('India Standard Time');
    expect(ianaToWindows('Atlantis/Nowhere')).toBeNull();
  });

  it('takes a zone named either way to its canonical Windows id', () => {
    expect(windowsZoneIdOf('w. europe standard time')).toBe('W. Europe Standard Time');
    expect(windowsZoneIdOf('Europe/Berlin')).toBe('W. Europe Standard Time');
    expect(windowsZoneIdOf('UTC')).toBe('UTC');
    expect(windowsZoneIdOf('Etc/UTC')).toBe('UTC');
    expect(windowsZoneIdOf('europe/berlin')).toBeNull();
    expect(windowsZoneIdOf('Atlantis/Nowhere')).toBeNull();
  });
});
