import { SipErrorCode, SipParseError, SipRequest, SipStreamEvent, SipStreamFramer } from './index';

const crlf = (lines: string[]) => lines.join('\r\n');

function register(callId: string, body = ''): Buffer {
  return Buffer.from(
    crlf([
      'REGISTER sip:parley.test SIP/2.0',
      'Via: SIP/2.0/TCP abcd.invalid;branch=z9hG4bK776asdhds',
      'Max-Forwards: 70',
      'To: <sip:alice@parley.test>',
      'From: <sip:alice@parley.test>;tag=1928301774',
      `Call-ID: ${callId}`,
      'CSeq: 1 REGISTER',
      'Contact: <sip:alice@abcd.invalid;transport=tcp>;expires=600',
      `l: ${Buffer.byteLength(body)}`,
      '',
      body,
    ]),
  );
}

const callIds = (events: SipStreamEvent[]) =>
  events.map((event) =>
    event.kind === 'message' ? event.message.callId() : event.kind === 'invalid' ? `invalid:${event.error.code}` : 'ping',
  );

function feedAll(framer: SipStreamFramer, chunks: Buffer[]): SipStreamEvent[] {
  return chunks.flatMap((chunk) => framer.push(chunk));
}

describe('SipStreamFramer', () => {
  const stream = Buffer.concat([
    register('a'),
    Buffer.from('\r\n\r\n'),
    register('b', 'hello\r\n\r\nworld'),
    Buffer.from('\r\n'),
    register('c'),
  ]);

  it('yields several messages from one chunk, with a ping between them and a pong dropped', () => {
    const events = new SipStreamFramer().push(stream);
    expect(callIds(events)).toEqual(['a', 'ping', 'b', 'c']);
    const b = events[2].kind === 'message' ? events[2].message : undefined;
    // A body containing CRLFCRLF is cut by Content-Length, not by the blank line.
    expect(b?.body.toString()).toBe('hello\r\n\r\nworld');
  });

  it('yields the same events whichever byte boundary the stream is split at', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const framer = new SipStreamFramer();
      const events = feedAll(framer, [stream.subarray(0, cut), stream.subarray(cut)]);
      expect(callIds(events)).toEqual(['a', 'ping', 'b', 'c']);
      expect(framer.bufferedBytes).toBe(0);
    }
  });

  it('yields the same events when fed one byte at a time', () => {
    const framer = new SipStreamFramer();
    const bytes = [...stream].map((byte) => Buffer.from([byte]));
    expect(callIds(feedAll(framer, bytes))).toEqual(['a', 'ping', 'b', 'c']);
  });

  it('assembles a message near the size limit trickled in byte by byte', () => {
    const framer = new SipStreamFramer();
    const big = register('big', 'x'.repeat(60 * 1024 - 1000));
    const events: SipStreamEvent[] = [];
    for (let i = 0; i < big.length; i++) events.push(...framer.push(big.subarray(i, i + 1)));
    expect(callIds(events)).toEqual(['big']);
    expect(events[0].kind === 'message' && events[0].message.body.length).toBe(60 * 1024 - 1000);
  });

  it('reports a readable but invalid message and keeps reading the stream', () => {
    const broken = Buffer.from(register('x').toString().replace('CSeq: 1 REGISTER', 'CSeq: 1 INVITE'));
    const events = new SipStreamFramer().push(Buffer.concat([broken, register('y')]));
    expect(callIds(events)).toEqual([`invalid:${SipErrorCode.CSeqMismatch}`, 'y']);
    const invalid = events[0];
    expect(invalid.kind === 'invalid' && invalid.error.parsed instanceof SipRequest).toBe(true);
  });

  it('refuses a message without Content-Length (RFC 3261 §18.3) and stays failed', () => {
    const framer = new SipStreamFramer();
    const noLength = Buffer.from(register('z').toString().replace('l: 0\r\n', ''));
    expect(() => framer.push(noLength)).toThrow(expect.objectContaining({ code: SipErrorCode.MissingContentLength }));
    expect(() => framer.push(register('after'))).toThrow(SipParseError);
  });

  it('refuses an oversized body from its Content-Length, before buffering it', () => {
    const framer = new SipStreamFramer({ limits: { maxBodyBytes: 1000 } });
    const head = Buffer.from(register('big').toString().replace('l: 0', 'Content-Length: 5000'));
    expect(() => framer.push(head)).toThrow(expect.objectContaining({ code: SipErrorCode.BodyTooLarge, status: 413 }));
    // The front answers 413 from the headers it has, then closes.
    expect(() => framer.push(Buffer.alloc(0))).toThrow(expect.objectContaining({ parsed: expect.any(SipRequest) }));
  });

  it('refuses a header section that never ends once it passes the message limit', () => {
    const framer = new SipStreamFramer({ limits: { maxMessageBytes: 2048 } });
    const junk = Buffer.from('OPTIONS sip:x SIP/2.0\r\n' + 'X-Junk: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'.repeat(80));
    let thrown: unknown;
    try {
      for (let i = 0; i < junk.length; i += 100) framer.push(junk.subarray(i, i + 100));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: SipErrorCode.MessageTooLarge });
    expect(framer.bufferedBytes).toBe(0);
  });

  it('refuses a whole message larger than the limit even when the body is within its own', () => {
    const framer = new SipStreamFramer({ limits: { maxMessageBytes: 600, maxBodyBytes: 1000 } });
    expect(() => framer.push(register('m', 'x'.repeat(400)))).toThrow(
      expect.objectContaining({ code: SipErrorCode.MessageTooLarge, status: 513 }),
    );
  });

  it('refuses a negative or doubled Content-Length', () => {
    const negative = Buffer.from(register('n').toString().replace('l: 0', 'l: -1'));
    expect(() => new SipStreamFramer().push(negative)).toThrow(
      expect.objectContaining({ code: SipErrorCode.InvalidHeader, header: 'Content-Length' }),
    );
    const doubled = Buffer.from(register('d').toString().replace('l: 0', 'l: 0\r\nContent-Length: 0'));
    expect(() => new SipStreamFramer().push(doubled)).toThrow(expect.objectContaining({ code: SipErrorCode.InvalidHeader }));
  });

  it('waits on a lone CRLF until it knows whether a ping follows', () => {
    const framer = new SipStreamFramer();
    expect(framer.push(Buffer.from('\r'))).toEqual([]);
    expect(framer.push(Buffer.from('\n\r'))).toEqual([]);
    expect(framer.push(Buffer.from('\n'))).toEqual([{ kind: 'ping' }]);
    expect(framer.bufferedBytes).toBe(0);
  });
});
