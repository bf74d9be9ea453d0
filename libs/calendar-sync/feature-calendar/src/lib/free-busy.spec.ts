import type { LegacyFreeBusyStatus } from '@parley/contracts';
import { BusyInterval, mergeFreeBusy } from './free-busy';

const T0 = Date.parse('2026-03-02T08:00:00Z');
const at = (minutes: number) => T0 + minutes * 60_000;
const iv = (from: number, to: number, status: LegacyFreeBusyStatus): BusyInterval => ({ start: at(from), end: at(to), status });

describe('merged free/busy', () => {
  it.each<[string, BusyInterval[], number, number, string]>([
    ['an empty calendar is all free', [], 240, 60, '0000'],
    ['the documented example: OOF 60 min, busy 90, then nothing', [iv(0, 60, 'OOF'), iv(60, 150, 'Busy')], 240, 60, '3220'],
    ['back-to-back items keep to their own slots', [iv(0, 30, 'Busy'), iv(30, 60, 'Tentative')], 120, 30, '2100'],
    ['overlapping items: the busiest wins (busy over tentative)', [iv(0, 90, 'Tentative'), iv(30, 60, 'Busy')], 120, 30, '1210'],
    [
      'OOF wins over busy, NoData over everything',
      [iv(0, 60, 'Busy'), iv(30, 60, 'OOF'), iv(90, 120, 'Busy'), iv(100, 110, 'NoData')],
      120,
      30,
      '2304',
    ],
    ['a short item marks its whole slot', [iv(10, 15, 'Busy')], 60, 30, '20'],
    ['free and working-elsewhere items leave slots free', [iv(0, 60, 'Free'), iv(60, 120, 'WorkingElsewhere')], 120, 60, '00'],
    ['items crossing the window edges are clipped to it', [iv(-60, 15, 'Busy'), iv(100, 500, 'Tentative')], 120, 30, '2001'],
    ['items entirely outside the window do not count', [iv(-60, 0, 'Busy'), iv(120, 180, 'OOF')], 120, 30, '0000'],
    ['a window that is not a whole number of intervals ends with a partial slot', [iv(100, 110, 'Busy')], 110, 30, '0002'],
    ['zero-length items mark nothing', [iv(30, 30, 'Busy')], 60, 30, '00'],
  ])('%s', (_label, intervals, windowMinutes, intervalMinutes, expected) => {
    expect(mergeFreeBusy(intervals, T0, at(windowMinutes), intervalMinutes)).toBe(expected);
  });
});
