import { el } from '@parley/xml';
import {
  EwsResponseCode,
  NS,
  operationResponse,
  parseEwsXml,
  responseMessage,
  serverBusyMessage,
  soapEnvelope,
  writeEwsXml,
} from '../index';

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"' +
  ' xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"' +
  ' xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">' +
  '<s:Header><t:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6"' +
  ' Version="V2017_07_11"/></s:Header><s:Body>';
const ENVELOPE_CLOSE = '</s:Body></s:Envelope>';

describe('response builders', () => {
  it('wraps per-item results in the standard response, in schema order', () => {
    const xml = writeEwsXml(
      soapEnvelope(
        operationResponse('GetFolder', [
          { content: el(NS.MESSAGES, 'Folders', {}, el(NS.TYPES, 'Folder', {}, el(NS.TYPES, 'DisplayName', {}, 'Inbox'))) },
          {
            responseCode: EwsResponseCode.ErrorFolderNotFound,
            messageText: 'The specified folder could not be found in the store.',
            content: el(NS.MESSAGES, 'Folders'),
          },
        ]),
      ),
    );
    expect(xml).toBe(
      ENVELOPE_OPEN +
        '<m:GetFolderResponse><m:ResponseMessages>' +
        '<m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>' +
        '<m:Folders><t:Folder><t:DisplayName>Inbox</t:DisplayName></t:Folder></m:Folders></m:GetFolderResponseMessage>' +
        '<m:GetFolderResponseMessage ResponseClass="Error">' +
        '<m:MessageText>The specified folder could not be found in the store.</m:MessageText>' +
        '<m:ResponseCode>ErrorFolderNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>' +
        '<m:Folders/></m:GetFolderResponseMessage>' +
        '</m:ResponseMessages></m:GetFolderResponse>' +
        ENVELOPE_CLOSE,
    );
  });

  it('reports throttling per item with m:MessageXml/t:Value BackOffMilliseconds', () => {
    const xml = writeEwsXml(soapEnvelope(operationResponse('FindItem', [serverBusyMessage(30000)])));
    expect(xml).toBe(
      ENVELOPE_OPEN +
        '<m:FindItemResponse><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Error">' +
        '<m:MessageText>The server cannot service this request right now. Try again later.</m:MessageText>' +
        '<m:ResponseCode>ErrorServerBusy</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>' +
        '<m:MessageXml><t:Value Name="BackOffMilliseconds">30000</t:Value></m:MessageXml>' +
        '</m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>' +
        ENVELOPE_CLOSE,
    );
    expect(() => serverBusyMessage(-1)).toThrow(RangeError);
  });

  it('writes a Warning when asked, and the bare ResponseMessage other wrappers use', () => {
    const warning = responseMessage('ResolveNamesResponseMessage', {
      responseClass: 'Warning',
      responseCode: EwsResponseCode.ErrorNameResolutionMultipleResults,
      messageText: 'Multiple results were found.',
      content: el(NS.MESSAGES, 'ResolutionSet', { TotalItemsInView: 2 }),
    });
    expect(writeEwsXml(warning, { declaration: false })).toBe(
      `<m:ResolveNamesResponseMessage xmlns:m="${NS.MESSAGES}" ResponseClass="Warning">` +
        '<m:MessageText>Multiple results were found.</m:MessageText>' +
        '<m:ResponseCode>ErrorNameResolutionMultipleResults</m:ResponseCode>' +
        '<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:ResolutionSet TotalItemsInView="2"/>' +
        '</m:ResolveNamesResponseMessage>',
    );
    expect(writeEwsXml(responseMessage('ResponseMessage'), { declaration: false })).toBe(
      `<m:ResponseMessage xmlns:m="${NS.MESSAGES}" ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:ResponseMessage>`,
    );
  });

  it('escapes user data that ends up in a response', () => {
    const subject = '</t:Subject><t:Injected/>&amp;';
    const xml = writeEwsXml(
      soapEnvelope(operationResponse('GetItem', [{ content: el(NS.MESSAGES, 'Items', {}, el(NS.TYPES, 'Subject', {}, subject)) }])),
    );
    expect(xml).toContain('<t:Subject>&lt;/t:Subject&gt;&lt;t:Injected/&gt;&amp;amp;</t:Subject>');
    const body = parseEwsXml(xml).children[1];
    expect(body.children[0].children[0].children[0].children[1].children[0].text).toBe(subject);
  });
});
