import { isOofActive } from './oof.service';

describe('isOofActive', () => {
  const base = { externalAudience: 'All', internalReply: '', externalReply: '' } as const;
  const window = { startTime: '2026-11-23T09:00:00Z', endTime: '2026-11-23T17:00:00Z' };

  it.each([
    ['Enabled, whatever the window', { ...base, state: 'Enabled', ...window }, '2026-12-01T00:00:00Z', true],
    ['Disabled, even inside the window', { ...base, state: 'Disabled', ...window }, '2026-11-23T10:00:00Z', false],
    ['Scheduled, before the window', { ...base, state: 'Scheduled', ...window }, '2026-11-23T08:59:59Z', false],
    ['Scheduled, at its start', { ...base, state: 'Scheduled', ...window }, '2026-11-23T09:00:00Z', true],
    ['Scheduled, at its end (exclusive)', { ...base, state: 'Scheduled', ...window }, '2026-11-23T17:00:00Z', false],
  ] as const)('%s', (_label, settings, now, expected) => {
    expect(isOofActive(settings, new Date(now))).toBe(expected);
  });
});
