import { formFromSetting, htmlToText, settingFromForm, validateOofForm, type AutomaticRepliesSetting, type OofForm } from './oof';
import { toLocalInputValue, wallTimeToInstant } from './time';

const server: AutomaticRepliesSetting = {
  status: 'scheduled',
  externalAudience: 'contactsOnly',
  scheduledStartDateTime: { dateTime: '2026-12-03T10:00:00.0000000', timeZone: 'UTC' },
  scheduledEndDateTime: { dateTime: '2026-12-10T17:30:00.0000000', timeZone: 'UTC' },
  internalReplyMessage: '<html><body><p>Away &amp; back on the 10th.</p><p>Ask <b>Bob</b>.</p></body></html>',
  externalReplyMessage: 'I am away.',
};

describe('OOF form ↔ Graph automaticRepliesSetting', () => {
  it("shows the server's UTC window as wall times in the user's time zone, replies as text", () => {
    expect(formFromSetting(server, 'Europe/Rome')).toEqual({
      status: 'scheduled',
      externalAudience: 'contactsOnly',
      start: '2026-12-03T11:00',
      end: '2026-12-10T18:30',
      internalReply: 'Away & back on the 10th.\nAsk Bob.',
      externalReply: 'I am away.',
    });
    expect(formFromSetting(server, 'America/Los_Angeles')).toMatchObject({ start: '2026-12-03T02:00', end: '2026-12-10T09:30' });
  });

  it("sends the window as local wall times with the browser's IANA zone, and only when scheduled", () => {
    const form: OofForm = {
      status: 'scheduled',
      externalAudience: 'all',
      start: '2026-12-03T11:00',
      end: '2026-12-10T18:30',
      internalReply: 'in',
      externalReply: 'out',
    };
    expect(settingFromForm(form, 'Europe/Rome')).toEqual({
      status: 'scheduled',
      externalAudience: 'all',
      internalReplyMessage: 'in',
      externalReplyMessage: 'out',
      scheduledStartDateTime: { dateTime: '2026-12-03T11:00:00', timeZone: 'Europe/Rome' },
      scheduledEndDateTime: { dateTime: '2026-12-10T18:30:00', timeZone: 'Europe/Rome' },
    });
    const on = settingFromForm({ ...form, status: 'alwaysEnabled' }, 'Europe/Rome');
    expect(on).not.toHaveProperty('scheduledStartDateTime');
    expect(on).not.toHaveProperty('scheduledEndDateTime');
  });

  it('round-trips: what is sent in one zone reads back the same there', () => {
    const form = formFromSetting(server, 'Asia/Seoul');
    const sent = settingFromForm(form, 'Asia/Seoul');
    const echoed: AutomaticRepliesSetting = {
      ...sent,
      scheduledStartDateTime: {
        dateTime: new Date(wallTimeToInstant(sent.scheduledStartDateTime?.dateTime ?? '', 'Asia/Seoul')).toISOString().replace('Z', ''),
        timeZone: 'UTC',
      },
      scheduledEndDateTime: {
        dateTime: new Date(wallTimeToInstant(sent.scheduledEndDateTime?.dateTime ?? '', 'Asia/Seoul')).toISOString().replace('Z', ''),
        timeZone: 'UTC',
      },
    };
    expect(formFromSetting(echoed, 'Asia/Seoul')).toMatchObject({ start: form.start, end: form.end });
  });

  it('validates the window: required when scheduled, the end after the start', () => {
    const form: OofForm = { status: 'scheduled', externalAudience: 'none', start: '', end: '', internalReply: '', externalReply: '' };
    expect(validateOofForm(form, 'UTC')).toBe('missing-window');
    expect(validateOofForm({ ...form, start: '2026-12-03T11:00' }, 'UTC')).toBe('missing-window');
    expect(validateOofForm({ ...form, start: '2026-12-03T11:00', end: '2026-12-03T11:00' }, 'UTC')).toBe('end-before-start');
    expect(validateOofForm({ ...form, start: '2026-12-03T11:00', end: '2026-12-02T11:00' }, 'UTC')).toBe('end-before-start');
    expect(validateOofForm({ ...form, start: '2026-12-03T11:00', end: '2026-12-03T11:01' }, 'UTC')).toBeNull();
    expect(validateOofForm({ ...form, status: 'disabled' }, 'UTC')).toBeNull();
  });
});

describe('wall times in a time zone', () => {
  it('converts both ways, across a DST change', () => {
    expect(new Date(wallTimeToInstant('2026-07-01T12:00', 'Europe/Rome')).toISOString()).toBe('2026-07-01T10:00:00.000Z');
    expect(new Date(wallTimeToInstant('2026-12-01T12:00:30.5', 'Europe/Rome')).toISOString()).toBe('2026-12-01T11:00:30.000Z');
    expect(new Date(wallTimeToInstant('2026-03-29T03:30', 'Europe/Rome')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // 02:30 does not exist that night in Rome: it moves forward by the hour skipped.
    expect(new Date(wallTimeToInstant('2026-03-29T02:30', 'Europe/Rome')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(toLocalInputValue(Date.parse('2026-12-31T23:30:00Z'), 'Asia/Kolkata')).toBe('2027-01-01T05:00');
    expect(wallTimeToInstant('soon', 'UTC')).toBeNaN();
  });
});

describe('htmlToText', () => {
  it('turns EWS HTML into text without markup, and leaves text alone', () => {
    expect(htmlToText('<div>Line one<br>Line two</div><div>&lt;b&gt; is not bold &#8364;5 &#x263A;</div>')).toBe(
      'Line one\nLine two\n<b> is not bold €5 ☺',
    );
    expect(htmlToText('<style>p{color:red}</style><script>alert(1)</script><p>Hi</p>')).toBe('Hi');
    expect(htmlToText('3 < 4 and 5 > 2')).toBe('3 < 4 and 5 > 2');
    expect(htmlToText('Plain\nreply')).toBe('Plain\nreply');
  });
});
