import { AuthErrorCode } from '@parley/auth';
import { ENHANCED_STATUS_CODE, replyForAuthError, replyForRefusal, SmtpReplies } from './smtp-reply';

describe('SMTP replies', () => {
  it('maps every store refusal to its reply', () => {
    const reply = (refusal: Parameters<typeof replyForRefusal>[0]) => {
      const r = replyForRefusal(refusal, ['a@x.test'], 1000);
      return `${r.responseCode} ${r.message}`;
    };
    expect(reply('unknown-recipient')).toMatch(/^550 5\.1\.1 /);
    expect(reply('over-quota')).toMatch(/^552 5\.2\.2 /);
    expect(reply('too-large')).toMatch(/^552 5\.3\.4 .*1000 bytes/);
    expect(reply('temporary')).toMatch(/^451 4\.3\.0 /);
  });

  it('maps a throttled sign-in to 454 4.7.0 with the wait, everything else to 535 5.7.8', () => {
    const throttled = replyForAuthError(AuthErrorCode.Throttled, 2500);
    expect([throttled.responseCode, throttled.message]).toEqual([454, '4.7.0 Too many failed sign-in attempts; try again in 3 s']);
    for (const code of [AuthErrorCode.Unauthenticated, AuthErrorCode.ImpersonationDenied, AuthErrorCode.UnknownMailbox]) {
      expect(replyForAuthError(code, undefined).message).toMatch(/^5\.7\.8 /);
    }
  });

  it('starts every reply text with its enhanced status code, which the listener then leaves alone', () => {
    for (const make of Object.values(SmtpReplies)) {
      const reply = (make as (arg: never) => Error & { responseCode: number })('x' as never);
      expect(reply.message).toMatch(ENHANCED_STATUS_CODE);
      expect(reply.message[0]).toBe(String(reply.responseCode)[0]);
    }
  });
});
