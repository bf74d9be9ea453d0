import { readSoapRequest, soapEnvelope, writeEwsXml } from '@parley/ews-gateway/soap';
import { applyOofChange, isCompleteChange, readOofChange, readOofMailbox } from './oof-request.reader';
import { getUserOofSettingsResponse, setUserOofSettingsResponse } from './oof-response.writer';

const M = 'http://schemas.microsoft.com/exchange/services/2006/messages';
const T = 'http://schemas.microsoft.com/exchange/services/2006/types';
const envelope = (body: string) =>
  `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${body}</soap:Body></soap:Envelope>`;

describe('SetUserOofSettings request', () => {
  // Microsoft's documented example shape: default namespaces, unzoned times (read as UTC).
  const documented = envelope(`<SetUserOofSettingsRequest xmlns="${M}">
    <Mailbox xmlns="${T}"><Name>User1</Name><Address>user1@example.com</Address><RoutingType>SMTP</RoutingType></Mailbox>
    <UserOofSettings xmlns="${T}"><OofState>Scheduled</OofState><ExternalAudience>All</ExternalAudience>
      <Duration><StartTime>2006-10-05T00:00:00</StartTime><EndTime>2006-10-25T00:00:00</EndTime></Duration>
      <InternalReply><Message>internal</Message></InternalReply><ExternalReply xml:lang="en"><Message/></ExternalReply>
    </UserOofSettings></SetUserOofSettingsRequest>`);

  it('reads the documented example', () => {
    const req = readSoapRequest(documented);
    expect(req.operation).toBe('SetUserOofSettingsRequest');
    expect(readOofMailbox(req.body)).toBe('user1@example.com');
    const change = readOofChange(req.body);
    expect(change).toEqual({
      state: 'Scheduled',
      externalAudience: 'All',
      window: { startTime: '2006-10-05T00:00:00Z', endTime: '2006-10-25T00:00:00Z' },
      internalReply: 'internal',
      externalReply: '',
    });
    expect(isCompleteChange(change)).toBe(true);
  });

  it('keeps what the request leaves out, the window included', () => {
    const req = readSoapRequest(
      envelope(
        `<m:SetUserOofSettingsRequest xmlns:m="${M}" xmlns:t="${T}"><t:Mailbox><t:Address>a@b.c</t:Address></t:Mailbox><t:UserOofSettings><t:OofState>Disabled</t:OofState></t:UserOofSettings></m:SetUserOofSettingsRequest>`,
      ),
    );
    const change = readOofChange(req.body);
    expect(isCompleteChange(change)).toBe(false);
    const current = {
      state: 'Scheduled',
      externalAudience: 'Known',
      startTime: '2030-01-01T00:00:00Z',
      endTime: '2030-01-02T00:00:00Z',
      internalReply: 'i',
      externalReply: 'e',
    } as const;
    expect(applyOofChange(current, change)).toEqual({ ...current, state: 'Disabled' });
  });

  it.each([
    ['an unknown state', '<t:OofState>Sometimes</t:OofState>', 'ErrorSchemaValidation'],
    [
      'a reversed window',
      '<t:OofState>Scheduled</t:OofState><t:ExternalAudience>All</t:ExternalAudience><t:Duration><t:StartTime>2030-01-02T00:00:00Z</t:StartTime><t:EndTime>2030-01-01T00:00:00Z</t:EndTime></t:Duration>',
      'ErrorInvalidRequest',
    ],
    [
      'a malformed time',
      '<t:OofState>Scheduled</t:OofState><t:ExternalAudience>All</t:ExternalAudience><t:Duration><t:StartTime>soon</t:StartTime><t:EndTime>later</t:EndTime></t:Duration>',
      'ErrorSchemaValidation',
    ],
  ])('refuses %s', (_, settings, code) => {
    const req = readSoapRequest(
      envelope(
        `<m:SetUserOofSettingsRequest xmlns:m="${M}" xmlns:t="${T}"><t:Mailbox><t:Address>a@b.c</t:Address></t:Mailbox><t:UserOofSettings>${settings}</t:UserOofSettings></m:SetUserOofSettingsRequest>`,
      ),
    );
    expect(() => readOofChange(req.body)).toThrow(expect.objectContaining({ responseCode: code }));
  });
});

describe('OOF responses (golden)', () => {
  it('writes GetUserOofSettingsResponse in the schema order', () => {
    const xml = writeEwsXml(
      soapEnvelope(
        getUserOofSettingsResponse({
          view: {
            mailbox: 'a@b.c',
            active: false,
            revision: 3,
            settings: {
              state: 'Scheduled',
              externalAudience: 'Known',
              startTime: '2030-01-01T08:00:00.000Z',
              endTime: '2030-01-02T17:00:00+00:00',
              internalReply: 'in & out',
              externalReply: '',
            },
          },
        }),
      ),
    );
    expect(xml).toContain(
      '<s:Body><m:GetUserOofSettingsResponse><m:ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:ResponseMessage>' +
        '<t:OofSettings><t:OofState>Scheduled</t:OofState><t:ExternalAudience>Known</t:ExternalAudience>' +
        '<t:Duration><t:StartTime>2030-01-01T08:00:00Z</t:StartTime><t:EndTime>2030-01-02T17:00:00Z</t:EndTime></t:Duration>' +
        '<t:InternalReply><t:Message>in &amp; out</t:Message></t:InternalReply><t:ExternalReply><t:Message></t:Message></t:ExternalReply></t:OofSettings>' +
        '<m:AllowExternalOof>All</m:AllowExternalOof></m:GetUserOofSettingsResponse></s:Body>',
    );
    expect(xml).toContain('<t:ServerVersionInfo ');
  });

  it('writes errors as a lone ResponseMessage', () => {
    expect(writeEwsXml(setUserOofSettingsResponse({ responseCode: 'ErrorAccessDenied', messageText: 'Access is denied.' }))).toContain(
      '<m:SetUserOofSettingsResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><m:ResponseMessage ResponseClass="Error"><m:MessageText>Access is denied.</m:MessageText><m:ResponseCode>ErrorAccessDenied</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:ResponseMessage></m:SetUserOofSettingsResponse>',
    );
  });
});
