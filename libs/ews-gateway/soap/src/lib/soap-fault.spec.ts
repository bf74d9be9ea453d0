import { attr, child, resolveQName, type XmlElement } from '@parley/xml';
import {
  DEFAULT_SERVER_VERSION,
  EwsError,
  EwsErrorCode,
  faultForError,
  NS,
  parseEwsXml,
  readSoapRequest,
  serverBusyFault,
  SOAP_FAULT_HTTP_STATUS,
  writeEwsXml,
} from '../index';
import { ewsErrorOf } from '../../test/soap-fixtures';

const HEADER =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"' +
  ' xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"' +
  ' xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">' +
  '<s:Header><t:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6"' +
  ' Version="V2017_07_11"/></s:Header><s:Body><s:Fault>';
const FAULTCODE = (code: string) => `<faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:${code}</faultcode>`;
const E = 'xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors"';

function faultOf(xml: string): { envelope: XmlElement; fault: XmlElement } {
  const envelope = parseEwsXml(xml);
  const fault = child(child(envelope, NS.SOAP, 'Body'), NS.SOAP, 'Fault');
  if (fault === undefined) throw new Error('no fault');
  return { envelope, fault };
}

describe('SOAP faults', () => {
  it('writes a schema-validation fault as Exchange does', () => {
    const err = ewsErrorOf(() => readSoapRequest('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">\n<s:Body>'));
    expect(writeEwsXml(faultForError(err))).toBe(
      HEADER +
        FAULTCODE('ErrorSchemaValidation') +
        '<faultstring xml:lang="en-US">The request failed schema validation: Element \'s:Body\' is not closed.</faultstring>' +
        `<detail><e:ResponseCode ${E}>ErrorSchemaValidation</e:ResponseCode>` +
        `<e:Message ${E}>The request failed schema validation.</e:Message>` +
        '<t:MessageXml><t:LineNumber>2</t:LineNumber><t:LinePosition>9</t:LinePosition>' +
        "<t:Violation>Element 's:Body' is not closed.</t:Violation></t:MessageXml>" +
        '</detail></s:Fault></s:Body></s:Envelope>',
    );
    expect(SOAP_FAULT_HTTP_STATUS).toBe(500);
  });

  it('parses back with the lib itself: faultcode QName, detail and ServerVersionInfo header', () => {
    const xml = writeEwsXml(
      faultForError(new EwsError(EwsErrorCode.DtdForbidden, 'Document type and entity declarations are not allowed.')),
    );
    const { envelope, fault } = faultOf(xml);
    const info = child(child(envelope, NS.SOAP, 'Header'), NS.TYPES, 'ServerVersionInfo');
    expect(info?.attrs).toEqual({
      MajorVersion: '15',
      MinorVersion: '1',
      MajorBuildNumber: '2507',
      MinorBuildNumber: '6',
      Version: DEFAULT_SERVER_VERSION.version,
    });
    const faultcode = child(fault, '', 'faultcode') as XmlElement;
    expect(resolveQName(faultcode, faultcode.text)).toEqual({ ns: NS.TYPES, local: 'ErrorSchemaValidation' });
    expect(attr(child(fault, '', 'faultstring'), 'lang', NS.XML)).toBe('en-US');
    const detail = child(fault, '', 'detail');
    expect(child(detail, NS.ERRORS, 'ResponseCode')?.text).toBe('ErrorSchemaValidation');
    expect(child(detail, NS.ERRORS, 'Message')?.text).toBe('The request failed schema validation.');
    expect(child(child(detail, NS.TYPES, 'MessageXml'), NS.TYPES, 'Violation')?.text).toBe(
      'Document type and entity declarations are not allowed.',
    );
  });

  it('writes ErrorServerBusy with its back-off in t:MessageXml', () => {
    expect(writeEwsXml(serverBusyFault(297749))).toBe(
      HEADER +
        FAULTCODE('ErrorServerBusy') +
        '<faultstring xml:lang="en-US">The server cannot service this request right now. Try again later.</faultstring>' +
        `<detail><e:ResponseCode ${E}>ErrorServerBusy</e:ResponseCode>` +
        `<e:Message ${E}>The server cannot service this request right now. Try again later.</e:Message>` +
        '<t:MessageXml><t:Value Name="BackOffMilliseconds">297749</t:Value></t:MessageXml>' +
        '</detail></s:Fault></s:Body></s:Envelope>',
    );
    const { fault } = faultOf(writeEwsXml(faultForError(new EwsError(EwsErrorCode.ServerBusy, 'busy', { backOffMs: 5000 }))));
    const value = child(child(child(fault, '', 'detail'), NS.TYPES, 'MessageXml'), NS.TYPES, 'Value');
    expect([attr(value, 'Name'), value?.text]).toEqual(['BackOffMilliseconds', '5000']);
  });

  it('keeps the code and message of other EwsErrors', () => {
    const { fault } = faultOf(
      writeEwsXml(faultForError(new EwsError(EwsErrorCode.InvalidServerVersion, "The specified server version 'X' is invalid."))),
    );
    expect(child(fault, '', 'faultcode')?.text).toBe('a:ErrorInvalidServerVersion');
    expect(child(fault, '', 'faultstring')?.text).toBe("The specified server version 'X' is invalid.");
    expect(child(child(fault, '', 'detail'), NS.ERRORS, 'Message')?.text).toBe("The specified server version 'X' is invalid.");
    expect(child(child(fault, '', 'detail'), NS.TYPES, 'MessageXml')).toBeUndefined();
  });

  it('never leaks the text of unexpected errors', () => {
    const xml = writeEwsXml(faultForError(new Error('connection to postgres://user:secret@db failed')));
    expect(xml).not.toContain('secret');
    const { envelope, fault } = faultOf(xml);
    expect(child(fault, '', 'faultcode')?.text).toBe('a:ErrorInternalServerError');
    expect(child(child(envelope, NS.SOAP, 'Header'), NS.TYPES, 'ServerVersionInfo')).toBeDefined();
  });

  it('reports a configured server version', () => {
    const version = { majorVersion: 15, minorVersion: 2, majorBuildNumber: 1544, minorBuildNumber: 4, version: 'V2017_07_11' };
    const { envelope } = faultOf(writeEwsXml(serverBusyFault(undefined, version)));
    expect(child(child(envelope, NS.SOAP, 'Header'), NS.TYPES, 'ServerVersionInfo')?.attrs.MajorBuildNumber).toBe('1544');
  });
});
