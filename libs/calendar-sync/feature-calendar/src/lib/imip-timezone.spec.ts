import { vtimezone } from './imip-timezone';

const parts = (zone: string) =>
  vtimezone(zone, 2031)
    .getAllSubcomponents()
    .map((c) => [
      c.name,
      String(c.getFirstPropertyValue('dtstart')),
      String(c.getFirstPropertyValue('tzoffsetfrom')),
      String(c.getFirstPropertyValue('tzoffsetto')),
      String(c.getFirstPropertyValue('rrule') ?? ''),
    ]);

describe('VTIMEZONE from the platform zone data', () => {
  it("writes a zone with daylight saving as its two yearly changes, at the wall-clock time of each (Europe's last Sundays)", () => {
    expect(parts('Europe/Berlin')).toEqual([
      ['daylight', '2031-03-30T02:00:00', '+01:00', '+02:00', 'FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU'],
      ['standard', '2031-10-26T03:00:00', '+02:00', '+01:00', 'FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU'],
    ]);
  });

  it('counts weeks from the start of the month where the change is not in the last week (US: second Sunday of March, first of November)', () => {
    expect(parts('America/New_York')).toEqual([
      ['daylight', '2031-03-09T02:00:00', '-05:00', '-04:00', 'FREQ=YEARLY;BYMONTH=3;BYDAY=2SU'],
      ['standard', '2031-11-02T02:00:00', '-04:00', '-05:00', 'FREQ=YEARLY;BYMONTH=11;BYDAY=1SU'],
    ]);
  });

  it('writes a zone without daylight saving as one STANDARD part', () => {
    expect(parts('Asia/Tokyo')).toEqual([['standard', '1970-01-01T00:00:00', '+09:00', '+09:00', '']]);
  });
});
