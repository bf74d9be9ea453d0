import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphRouting } from './graph-routes';

/** What a catch-all did with a request: handed it on, or answered it with a status (and Allow). */
function unmatched(routing: GraphRouting, part: 'presence' | 'mailbox', method: string, url: string) {
  const headers: Record<string, unknown> = {};
  let status = 0;
  let passed = false;
  const res = {
    headersSent: false,
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = value),
    end: () => undefined,
    set statusCode(value: number) {
      status = value;
    },
  } as unknown as ServerResponse;
  routing.unmatched(part, { method, url, headers: {} } as IncomingMessage, res, () => (passed = true));
  return passed ? 'next' : `${status}${headers['allow'] ? ` ${String(headers['allow'])}` : ''}`;
}

describe('GraphRouting: catch-alls of two controllers under one root', () => {
  it("hands another served part's requests on, whichever catch-all Express reached first", () => {
    const both = new GraphRouting();
    both.serve('presence');
    both.serve('mailbox');
    expect(unmatched(both, 'presence', 'GET', '/api/v1.0/me/mailboxSettings')).toBe('next');
    expect(unmatched(both, 'presence', 'PATCH', '/api/v1.0/users/a@b.test/mailboxSettings/automaticRepliesSetting')).toBe('next');
    expect(unmatched(both, 'presence', 'GET', '/api/v1.0/users?$search=%22a%22')).toBe('next');
    expect(unmatched(both, 'mailbox', 'GET', '/api/v1.0/me/presence')).toBe('next');
    expect(unmatched(both, 'mailbox', 'POST', '/api/v1.0/communications/getPresencesByUserId')).toBe('next');
    for (const [method, path] of [
      ['GET', '/api/v1.0/me/calendarView?startDateTime=x'],
      ['GET', '/api/v1.0/users/a@b.test/calendar/calendarView'],
      ['GET', '/api/v1.0/me/mailFolders/voicemail/messages'],
      ['DELETE', '/api/v1.0/me/messages/AAA'],
      ['PATCH', '/api/v1.0/users/a@b.test/messages/AAA'],
      ['GET', '/api/v1.0/me/messages/AAA/attachments'],
      ['HEAD', '/api/v1.0/me/messages/AAA/attachments/BBB/$value'],
    ]) {
      expect(unmatched(both, 'presence', method, path)).toBe('next');
    }
  });

  it('answers a known path with another method 405 naming the methods, and anything else 400', () => {
    const both = new GraphRouting();
    both.serve('presence');
    both.serve('mailbox');
    expect(unmatched(both, 'presence', 'DELETE', '/api/v1.0/me/mailboxSettings')).toBe('405 GET, PATCH');
    expect(unmatched(both, 'mailbox', 'GET', '/api/v1.0/me/presence/setUserPreferredPresence')).toBe('405 POST');
    expect(unmatched(both, 'presence', 'GET', '/api/v1.0/users/a@b.test/calendar')).toBe('400');
    expect(unmatched(both, 'mailbox', 'GET', '/api/v1.0/me/mailboxSettings/language')).toBe('400');
    expect(unmatched(both, 'presence', 'POST', '/api/v1.0/me/messages/AAA')).toBe('405 GET, PATCH, DELETE');
    expect(unmatched(both, 'presence', 'POST', '/api/v1.0/me/messages/AAA/attachments/BBB/$value')).toBe('405 GET');
  });

  it('does not hand on to a part this process does not serve', () => {
    const gateway = new GraphRouting();
    gateway.serve('mailbox');
    expect(unmatched(gateway, 'mailbox', 'GET', '/api/v1.0/me/presence')).toBe('400');
  });
});
