import { autoReplyEligibility } from './oof-auto-reply.policy';

const relay = (envelopeFrom: string | null) => ({ channel: 'relay' as const, envelopeFrom });
const h = (name: string, value: string) => ({ name, value });

describe('autoReplyEligibility', () => {
  it('answers the lower-cased envelope sender of SMTP mail', () => {
    expect(autoReplyEligibility(relay('Friend@Remote.Test'), [h('Subject', 'Hi')])).toEqual({ sender: 'friend@remote.test' });
    expect(autoReplyEligibility({ channel: 'submission', envelopeFrom: 'bob@parley.test' }, [])).toEqual({ sender: 'bob@parley.test' });
    // A person's mail the queue delivers to a Parley mailbox (EWS SendItem); the queue's DSNs and auto-replies have the null sender.
    expect(autoReplyEligibility({ channel: 'outbound-queue', envelopeFrom: 'bob@parley.test' }, [])).toEqual({ sender: 'bob@parley.test' });
    expect(autoReplyEligibility({ channel: 'outbound-queue', envelopeFrom: null }, [])).toEqual({ refused: 'null-sender' });
    expect(autoReplyEligibility(relay('a@b.test'), [h('AUTO-SUBMITTED', 'No (written by a person)')])).toEqual({ sender: 'a@b.test' });
    expect(autoReplyEligibility(relay('a@b.test'), [h('X-Auto-Response-Suppress', 'DR, RN')])).toEqual({ sender: 'a@b.test' });
    expect(autoReplyEligibility(relay('a@b.test'), [h('Precedence', 'first-class')])).toEqual({ sender: 'a@b.test' });
  });

  it.each([
    ['im-history', 'not-from-a-sender'],
    ['http-drop', 'not-from-a-sender'],
  ] as const)('refuses mail from the %s channel', (channel, refused) => {
    expect(autoReplyEligibility({ channel, envelopeFrom: 'a@b.test' }, [])).toEqual({ refused });
  });

  it.each([
    [null, 'null-sender'],
    ['', 'null-sender'],
    ['MAILER-DAEMON@b.test', 'system-sender'],
    ['postmaster@b.test', 'system-sender'],
    ['owner-friends@b.test', 'system-sender'],
    ['friends-request@b.test', 'system-sender'],
  ])('refuses the envelope sender %p', (sender, refused) => {
    expect(autoReplyEligibility(relay(sender), [])).toEqual({ refused });
  });

  it.each([
    [h('Auto-Submitted', 'auto-generated'), 'auto-submitted'],
    [h('auto-submitted', 'auto-replied; owner-email="x@y.test"'), 'auto-submitted'],
    [h('Precedence', ' Bulk '), 'bulk'],
    [h('Precedence', 'junk'), 'bulk'],
    [h('Precedence', 'list'), 'bulk'],
    [h('List-Id', '<friends.b.test>'), 'mailing-list'],
    [h('List-Post', '<mailto:friends@b.test>'), 'mailing-list'],
    [h('X-Auto-Response-Suppress', 'oof'), 'suppressed'],
    [h('X-Auto-Response-Suppress', 'DR, All'), 'suppressed'],
  ])('refuses mail with %o', (header, refused) => {
    expect(autoReplyEligibility(relay('a@b.test'), [header])).toEqual({ refused });
  });
});
