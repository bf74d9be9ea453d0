import { authorAddresses, headerFields, receivedHeader, rfc5322Date } from './message-headers';

describe('message headers', () => {
  it('reads unfolded header fields up to the empty line, with CRLF or bare LF', () => {
    const raw = Buffer.from('Subject: a\r\n long one\r\nFrom: Alice <alice@x.test>\r\n\r\nFrom: body@x.test\r\n');
    expect(headerFields(raw)).toEqual([
      ['subject', 'a long one'],
      ['from', 'Alice <alice@x.test>'],
    ]);
    expect(headerFields(Buffer.from('From: a@x.test\n\nbody'))).toEqual([['from', 'a@x.test']]);
  });

  it('gives every From and Sender address lower-cased, group members included, and an empty one for a field with none', () => {
    const raw = Buffer.from(
      'From: "Alice, PBX" <Alice@X.test>, bob@x.test\r\nSender: =?UTF-8?Q?P=C3=A9?= <pbx@x.test>\r\nTo: c@x.test\r\n\r\n',
    );
    expect(authorAddresses(raw)).toEqual(['alice@x.test', 'bob@x.test', 'pbx@x.test']);
    expect(authorAddresses(Buffer.from('From: Team: a@x.test, b@x.test;\r\n\r\n'))).toEqual(['a@x.test', 'b@x.test']);
    expect(authorAddresses(Buffer.from('From: \r\n\r\n'))).toEqual(['']);
    expect(authorAddresses(Buffer.from('Subject: no author\r\n\r\n'))).toEqual([]);
  });

  it('writes a Received field naming the client, this server, the protocol and a lone recipient', () => {
    const at = new Date('2026-12-03T08:30:05Z');
    expect(rfc5322Date(at)).toBe('Thu, 03 Dec 2026 08:30:05 +0000');
    const one = receivedHeader({
      helo: 'pbx.local',
      clientAddress: '192.0.2.7',
      protocol: 'ESMTPSA',
      sessionId: 'abc',
      by: 'mx.parley.test',
      recipients: ['alice@x.test'],
      at,
    });
    expect(one).toBe(
      'Received: from pbx.local ([192.0.2.7])\r\n\tby mx.parley.test (Parley) with ESMTPSA id abc\r\n\tfor <alice@x.test>;\r\n\tThu, 03 Dec 2026 08:30:05 +0000\r\n',
    );
    const many = receivedHeader({
      helo: 'evil\r\nX-Injected: 1',
      clientAddress: '2001:db8::1',
      protocol: 'ESMTP',
      sessionId: 'def',
      by: 'mx',
      recipients: ['a@x.test', 'b@x.test'],
      at,
    });
    expect(many).toContain('from evilX-Injected:1 ([IPv6:2001:db8::1])');
    expect(many).not.toContain('for <');
    expect(many.split('\r\n').filter((l) => l !== '' && !l.startsWith('\t'))).toHaveLength(1);
  });
});
