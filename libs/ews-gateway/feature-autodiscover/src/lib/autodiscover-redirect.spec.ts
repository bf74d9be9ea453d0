import type { IncomingMessage } from 'node:http';
import { autodiscoverGetOf, type AutodiscoverGet, plainHttpRedirect } from './autodiscover-redirect';

const PUBLIC = 'https://mail.example.com';
const TARGET = 'https://mail.example.com/autodiscover/autodiscover.xml';

/** An unauthenticated GET that reached Parley over plain HTTP at autodiscover.example.com. */
const probe = (overrides: Partial<AutodiscoverGet> = {}): AutodiscoverGet => ({
  authorization: undefined,
  forwardedProto: undefined,
  host: 'autodiscover.example.com',
  overTls: false,
  ...overrides,
});

describe('plainHttpRedirect', () => {
  it('sends an unauthenticated plain-HTTP GET to the public HTTPS Autodiscover URL', () => {
    expect(plainHttpRedirect(probe(), PUBLIC)).toBe(TARGET);
    expect(plainHttpRedirect(probe({ forwardedProto: 'http' }), PUBLIC)).toBe(TARGET);
    expect(plainHttpRedirect(probe({ forwardedProto: 'HTTP, https' }), PUBLIC)).toBe(TARGET);
    expect(plainHttpRedirect(probe({ authorization: '' }), PUBLIC)).toBe(TARGET);
  });

  it('keeps a path in the public URL and drops trailing slashes', () => {
    expect(plainHttpRedirect(probe(), 'https://gw.example.com:8443/parley/')).toBe(
      'https://gw.example.com:8443/parley/autodiscover/autodiscover.xml',
    );
  });

  it('never takes the target from the request (no open redirect)', () => {
    for (const host of ['evil.example', 'evil.example:443', '[::1]:80', 'mail.example.com.evil.example', '']) {
      expect(plainHttpRedirect(probe({ host }), PUBLIC)).toBe(TARGET);
    }
    expect(plainHttpRedirect(probe({ host: undefined, forwardedProto: 'http' }), PUBLIC)).toBe(TARGET);
  });

  it('does not redirect a GET with credentials (a client signing in)', () => {
    expect(plainHttpRedirect(probe({ authorization: 'Basic YWxpY2U6cHc=' }), PUBLIC)).toBeUndefined();
    expect(plainHttpRedirect(probe({ authorization: 'Bearer x.y.z', forwardedProto: 'http' }), PUBLIC)).toBeUndefined();
  });

  it('does not redirect when the public URL is plain HTTP', () => {
    expect(plainHttpRedirect(probe(), 'http://127.0.0.1:8080')).toBeUndefined();
    expect(plainHttpRedirect(probe({ forwardedProto: 'http' }), 'http://mail.example.com')).toBeUndefined();
  });

  it('does not redirect a GET that arrived over HTTPS (the probe that expects 401)', () => {
    expect(plainHttpRedirect(probe({ forwardedProto: 'https' }), PUBLIC)).toBeUndefined();
    expect(plainHttpRedirect(probe({ forwardedProto: ' HTTPS ' }), PUBLIC)).toBeUndefined();
    expect(plainHttpRedirect(probe({ forwardedProto: 'https, http' }), PUBLIC)).toBeUndefined();
    expect(plainHttpRedirect(probe({ forwardedProto: 'wss' }), PUBLIC)).toBeUndefined();
    expect(plainHttpRedirect(probe({ overTls: true }), PUBLIC)).toBeUndefined();
    expect(plainHttpRedirect(probe({ overTls: true, forwardedProto: 'http' }), PUBLIC)).toBeUndefined();
  });

  it('without X-Forwarded-Proto, does not redirect the public host to itself', () => {
    for (const host of ['mail.example.com', 'MAIL.example.com:443', 'mail.example.com:80']) {
      expect(plainHttpRedirect(probe({ host }), PUBLIC)).toBeUndefined();
    }
    // A front end that says the request was plain HTTP gets the upgrade, also on the public host.
    expect(plainHttpRedirect(probe({ host: 'mail.example.com', forwardedProto: 'http' }), PUBLIC)).toBe(TARGET);
  });
});

describe('autodiscoverGetOf', () => {
  const request = (headers: IncomingMessage['headers'], encrypted?: boolean) =>
    ({ headers, socket: encrypted === undefined ? {} : { encrypted } }) as unknown as IncomingMessage;

  it('reads credentials, the forwarded protocol, the host and TLS from the request', () => {
    expect(autodiscoverGetOf(request({ authorization: 'Basic eA==', 'x-forwarded-proto': 'https', host: 'a.example' }, true))).toEqual({
      authorization: 'Basic eA==',
      forwardedProto: 'https',
      host: 'a.example',
      overTls: true,
    });
    expect(autodiscoverGetOf(request({}))).toEqual({
      authorization: undefined,
      forwardedProto: undefined,
      host: undefined,
      overTls: false,
    });
    expect(autodiscoverGetOf(request({ 'x-forwarded-proto': ['http', 'https'] }, false)).forwardedProto).toBe('http');
  });
});
