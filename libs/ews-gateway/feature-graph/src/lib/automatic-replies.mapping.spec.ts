import { DISABLED_OOF_SETTINGS, type OofSettings } from '@parley/contracts';
import { GraphRequestError } from '@parley/graph';
import { applyAutomaticRepliesPatch, toAutomaticRepliesSetting } from './automatic-replies.mapping';

const scheduled: OofSettings = {
  state: 'Scheduled',
  externalAudience: 'Known',
  startTime: '2026-07-01T07:00:00.000Z',
  endTime: '2026-07-10T16:00:00.000Z',
  internalReply: '<p>Away</p>',
  externalReply: 'Out',
};

describe('automaticRepliesSetting ↔ OOF settings', () => {
  it("maps the EWS values to Graph's, the window in UTC or the zone asked", () => {
    expect(toAutomaticRepliesSetting(scheduled)).toEqual({
      status: 'scheduled',
      externalAudience: 'contactsOnly',
      scheduledStartDateTime: { dateTime: '2026-07-01T07:00:00.0000000', timeZone: 'UTC' },
      scheduledEndDateTime: { dateTime: '2026-07-10T16:00:00.0000000', timeZone: 'UTC' },
      internalReplyMessage: '<p>Away</p>',
      externalReplyMessage: 'Out',
    });
    expect(toAutomaticRepliesSetting(scheduled, 'Europe/Berlin').scheduledStartDateTime).toEqual({
      dateTime: '2026-07-01T09:00:00.0000000',
      timeZone: 'Europe/Berlin',
    });
    expect(toAutomaticRepliesSetting(DISABLED_OOF_SETTINGS)).toMatchObject({
      status: 'disabled',
      externalAudience: 'all',
      scheduledStartDateTime: null,
      scheduledEndDateTime: null,
    });
    expect(toAutomaticRepliesSetting({ ...scheduled, state: 'Enabled', externalAudience: 'None' })).toMatchObject({
      status: 'alwaysEnabled',
      externalAudience: 'none',
    });
  });

  it('applies a partial change, keeping the rest (the window too, whatever the status)', () => {
    expect(applyAutomaticRepliesPatch(scheduled, { status: 'disabled', externalAudience: 'all' })).toEqual({
      ...scheduled,
      state: 'Disabled',
      externalAudience: 'All',
    });
    expect(
      applyAutomaticRepliesPatch(scheduled, {
        internalReplyMessage: 'Back soon',
        scheduledEndDateTime: Date.parse('2026-07-11T00:00:00Z'),
      }),
    ).toEqual({
      ...scheduled,
      internalReply: 'Back soon',
      endTime: '2026-07-11T00:00:00.000Z',
    });
  });

  it('refuses scheduled without both times, and a window that does not end after it starts', () => {
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error instanceof GraphRequestError ? `${error.status} ${error.message}` : String(error);
      }
      return 'accepted';
    };
    expect(refusal(() => applyAutomaticRepliesPatch(DISABLED_OOF_SETTINGS, { status: 'scheduled' }))).toMatch(/^400 .*scheduled needs/);
    expect(
      refusal(() =>
        applyAutomaticRepliesPatch(DISABLED_OOF_SETTINGS, {
          status: 'scheduled',
          scheduledStartDateTime: Date.parse('2026-07-01T00:00:00Z'),
        }),
      ),
    ).toMatch(/^400 /);
    expect(refusal(() => applyAutomaticRepliesPatch(scheduled, { scheduledStartDateTime: Date.parse('2026-07-10T16:00:00Z') }))).toMatch(
      /^400 .*scheduledEndDateTime/,
    );
    expect(refusal(() => applyAutomaticRepliesPatch(scheduled, { status: 'alwaysEnabled' }))).toBe('accepted');
  });
});
