import { attr, child } from '@parley/xml';
import { EwsErrorCode, EwsResponseCode, EXCHANGE_VERSIONS, NS, readSoapRequest } from '../index';
import { ewsErrorOf, GET_INBOX, soapRequest } from '../../test/soap-fixtures';

const version = (v: string) => `<t:RequestServerVersion Version="${v}"/>`;

describe('readSoapRequest', () => {
  it('reads the operation and headers of a typical client request', () => {
    const req = readSoapRequest(
      Buffer.from(
        soapRequest(
          GET_INBOX,
          version('Exchange2013_SP1') +
            '<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress> alice@example.org </t:PrimarySmtpAddress>' +
            '</t:ConnectingSID></t:ExchangeImpersonation>' +
            '<t:TimeZoneContext><t:TimeZoneDefinition Id="W. Europe Standard Time"/></t:TimeZoneContext>' +
            '<t:MailboxCulture>de-DE</t:MailboxCulture>',
        ),
      ),
    );
    expect(req.operation).toBe('GetFolder');
    expect([req.body.ns, req.body.local]).toEqual([NS.MESSAGES, 'GetFolder']);
    expect(attr(child(child(req.body, NS.MESSAGES, 'FolderIds'), NS.TYPES, 'DistinguishedFolderId'), 'Id')).toBe('inbox');
    expect(req.headers.requestServerVersion).toBe('Exchange2013_SP1');
    expect(req.headers.impersonation).toEqual({ kind: 'PrimarySmtpAddress', value: 'alice@example.org' });
    expect(req.headers.timeZone?.id).toBe('W. Europe Standard Time');
    expect(req.headers.timeZone?.definition.local).toBe('TimeZoneDefinition');
    expect(req.headers.mailboxCulture).toBe('de-DE');
  });

  it('reads a request written with other prefixes and default namespaces', () => {
    const req = readSoapRequest(
      `<S:Envelope xmlns:S="${NS.SOAP}"><S:Header><RequestServerVersion xmlns="${NS.TYPES}" Version="Exchange2016"/></S:Header>` +
        `<S:Body><ResolveNames xmlns="${NS.MESSAGES}" ReturnFullContactData="true"><UnresolvedEntry>bob</UnresolvedEntry>` +
        '</ResolveNames></S:Body></S:Envelope>',
    );
    expect(req.operation).toBe('ResolveNames');
    expect(attr(req.body, 'ReturnFullContactData')).toBe('true');
    expect(child(req.body, NS.MESSAGES, 'UnresolvedEntry')?.text).toBe('bob');
    expect(req.headers.requestServerVersion).toBe('Exchange2016');
  });

  it('reads an indented request with comments and a trailing element after the Body', () => {
    const req = readSoapRequest(
      '<?xml version="1.0" encoding="utf-8"?>\r\n' +
        `<soap:Envelope xmlns:soap="${NS.SOAP}"\r\n    xmlns:t="${NS.TYPES}" xmlns:m="${NS.MESSAGES}">\r\n` +
        '  <!-- sent by a script -->\r\n' +
        '  <soap:Header>\r\n    <t:RequestServerVersion Version="Exchange2010_SP2" />\r\n  </soap:Header>\r\n' +
        `  <soap:Body>\r\n    ${GET_INBOX}\r\n  </soap:Body>\r\n` +
        '  <x:Trailer xmlns:x="urn:example"/>\r\n' +
        '</soap:Envelope>\r\n',
    );
    expect([req.operation, req.headers.requestServerVersion]).toEqual(['GetFolder', 'Exchange2010_SP2']);
  });

  it('has no headers when the client sends none', () => {
    const req = readSoapRequest(soapRequest(GET_INBOX));
    expect(req.header).toBeUndefined();
    expect(req.headers).toEqual({
      requestServerVersion: undefined,
      impersonation: undefined,
      timeZone: undefined,
      mailboxCulture: undefined,
    });
  });

  it.each(['PrimarySmtpAddress', 'SmtpAddress', 'PrincipalName', 'SID'])('reads impersonation by %s', (kind) => {
    const header = `<t:ExchangeImpersonation><t:ConnectingSID><t:${kind}>x</t:${kind}></t:ConnectingSID></t:ExchangeImpersonation>`;
    expect(readSoapRequest(soapRequest(GET_INBOX, header)).headers.impersonation).toEqual({ kind, value: 'x' });
  });

  it.each([
    ['no ConnectingSID', '<t:ExchangeImpersonation/>'],
    ['an empty ConnectingSID', '<t:ExchangeImpersonation><t:ConnectingSID/></t:ExchangeImpersonation>'],
    [
      'two identities',
      '<t:ExchangeImpersonation><t:ConnectingSID><t:SID>S-1</t:SID><t:SmtpAddress>a@b</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>',
    ],
    [
      'an empty address',
      '<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress> </t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>',
    ],
  ])('refuses impersonation with %s', (_what, header) => {
    const err = ewsErrorOf(() => readSoapRequest(soapRequest(GET_INBOX, header)));
    expect(err.responseCode).toBe(EwsResponseCode.ErrorInvalidExchangeImpersonationHeaderData);
  });

  describe('RequestServerVersion', () => {
    // The values seen from real clients; EXCHANGE_VERSIONS must keep accepting all of them.
    const seenInTheField = [
      'Exchange2007',
      'Exchange2007_SP1',
      'Exchange2010',
      'Exchange2010_SP1',
      'Exchange2010_SP2',
      'Exchange2013',
      'Exchange2013_SP1',
      'Exchange2015',
      'Exchange2016',
      'Exchange2019',
      'V2015_10_05',
      'V2016_01_06',
      'V2016_04_13',
      'V2016_07_13',
      'V2016_10_10',
      'V2017_01_07',
      'V2017_04_14',
      'V2017_07_11',
      'V2017_10_09',
      'V2018_01_08',
    ];

    it.each([...new Set([...seenInTheField, ...EXCHANGE_VERSIONS])])('accepts %s', (v) => {
      expect(readSoapRequest(soapRequest(GET_INBOX, version(v))).headers.requestServerVersion).toBe(v);
    });

    it.each(['Exchange2020', 'exchange2013', 'Exchange2013 ', '', 'V2099_01_01'])('answers %p with ErrorInvalidServerVersion', (v) => {
      const err = ewsErrorOf(() => readSoapRequest(soapRequest(GET_INBOX, version(v))));
      expect(err.code).toBe(EwsErrorCode.InvalidServerVersion);
      expect(err.responseCode).toBe(EwsResponseCode.ErrorInvalidServerVersion);
    });

    it('treats a missing Version attribute or a repeated header as a schema violation', () => {
      for (const header of ['<t:RequestServerVersion/>', version('Exchange2013') + version('Exchange2016')]) {
        const err = ewsErrorOf(() => readSoapRequest(soapRequest(GET_INBOX, header)));
        expect(err.code).toBe(EwsErrorCode.InvalidHeader);
        expect(err.responseCode).toBe(EwsResponseCode.ErrorSchemaValidation);
      }
    });
  });

  it('refuses an invalid MailboxCulture and a TimeZoneContext without definition', () => {
    for (const header of ['<t:MailboxCulture>en_US!</t:MailboxCulture>', '<t:TimeZoneContext/>']) {
      expect(ewsErrorOf(() => readSoapRequest(soapRequest(GET_INBOX, header))).code).toBe(EwsErrorCode.InvalidHeader);
    }
  });

  it('ignores headers it does not know', () => {
    const header = '<a:Action xmlns:a="http://www.w3.org/2005/08/addressing">x</a:Action>' + version('Exchange2010');
    expect(readSoapRequest(soapRequest(GET_INBOX, header)).headers.requestServerVersion).toBe('Exchange2010');
  });

  const envelope = (inner: string, ns: string = NS.SOAP) =>
    `<s:Envelope xmlns:s="${ns}" xmlns:m="${NS.MESSAGES}" xmlns:t="${NS.TYPES}">${inner}</s:Envelope>`;

  it.each([
    [
      'a non-envelope root',
      GET_INBOX.replace('<m:GetFolder>', `<m:GetFolder xmlns:m="${NS.MESSAGES}" xmlns:t="${NS.TYPES}">`),
      EwsErrorCode.NotSoapEnvelope,
    ],
    [
      'a SOAP 1.2 envelope',
      envelope(`<s:Body>${GET_INBOX}</s:Body>`, 'http://www.w3.org/2003/05/soap-envelope'),
      EwsErrorCode.NotSoapEnvelope,
    ],
    ['a missing Body', envelope('<s:Header/>'), EwsErrorCode.MissingBody],
    ['two Bodies', envelope(`<s:Body>${GET_INBOX}</s:Body><s:Body>${GET_INBOX}</s:Body>`), EwsErrorCode.InvalidEnvelope],
    ['a Header after the Body', envelope(`<s:Body>${GET_INBOX}</s:Body><s:Header/>`), EwsErrorCode.InvalidEnvelope],
    ['an element before the Body', envelope(`<x:Junk xmlns:x="urn:x"/><s:Body>${GET_INBOX}</s:Body>`), EwsErrorCode.InvalidEnvelope],
    ['text in the Envelope', envelope(`junk<s:Body>${GET_INBOX}</s:Body>`), EwsErrorCode.InvalidEnvelope],
    ['a Body with no operation', envelope('<s:Body/>'), EwsErrorCode.InvalidBody],
    ['a Body with two operations', envelope(`<s:Body>${GET_INBOX}${GET_INBOX}</s:Body>`), EwsErrorCode.InvalidBody],
    ['text in the Body', envelope(`<s:Body>junk${GET_INBOX}</s:Body>`), EwsErrorCode.InvalidBody],
    ['an operation in the types namespace', envelope('<s:Body><t:GetFolder/></s:Body>'), EwsErrorCode.WrongOperationNamespace],
    ['an operation in no namespace', envelope('<s:Body><GetFolder/></s:Body>'), EwsErrorCode.WrongOperationNamespace],
    ['malformed XML', envelope(`<s:Body>${GET_INBOX}</s:Bod>`), EwsErrorCode.MalformedXml],
  ])('refuses %s with ErrorSchemaValidation', (_what, xml, code) => {
    const err = ewsErrorOf(() => readSoapRequest(xml));
    expect(err.code).toBe(code);
    expect(err.responseCode).toBe(EwsResponseCode.ErrorSchemaValidation);
  });

  it('applies the parse limits', () => {
    const deep = soapRequest(`<m:GetFolder>${'<t:X>'.repeat(10_000)}${'</t:X>'.repeat(10_000)}</m:GetFolder>`);
    expect(ewsErrorOf(() => readSoapRequest(deep)).code).toBe(EwsErrorCode.TooDeep);
    expect(ewsErrorOf(() => readSoapRequest(soapRequest(GET_INBOX), { maxBytes: 64 })).code).toBe(EwsErrorCode.TooLarge);
  });
});
