import { canonicalHeaderName, SipHeaders } from './index';

describe('SipHeaders', () => {
  it('treats names case-insensitively and compact forms as their long names', () => {
    const headers = new SipHeaders().append('v', 'SIP/2.0/TCP a').append('VIA', 'SIP/2.0/TCP b').append('x-custom', '1');
    expect(headers.getAll('Via')).toEqual(['SIP/2.0/TCP a', 'SIP/2.0/TCP b']);
    expect(headers.entries().map((field) => field.name)).toEqual(['Via', 'Via', 'x-custom']);
    expect(headers.get('X-CUSTOM')).toBe('1');
    expect(headers.has('i')).toBe(false);
    expect(canonicalHeaderName('cseq')).toBe('CSeq');
    expect(canonicalHeaderName('WWW-authenticate')).toBe('WWW-Authenticate');
  });

  it('set replaces every line in place of the first; delete removes them all', () => {
    const headers = new SipHeaders().append('To', 't').append('Via', '1').append('From', 'f').append('v', '2');
    headers.set('via', '3');
    expect(headers.entries()).toEqual([
      { name: 'To', value: 't' },
      { name: 'Via', value: '3' },
      { name: 'From', value: 'f' },
    ]);
    headers.set('Expires', '60').delete('TO');
    expect(headers.entries().map((field) => field.name)).toEqual(['Via', 'From', 'Expires']);
    expect(headers.clone().size).toBe(3);
  });
});
