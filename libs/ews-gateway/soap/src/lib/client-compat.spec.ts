// Talks to this lib through a real EWS client library (ews-javascript-api, a port of Microsoft's
// EWS Managed API): its requests must be accepted as they are, and it must read our answers,
// including ServerVersionInfo from a fault.
import * as ews from 'ews-javascript-api';
import { el } from '@parley/xml';
import {
  EwsError,
  EwsErrorCode,
  faultForError,
  NS,
  operationResponse,
  readSoapRequest,
  soapEnvelope,
  type SoapRequest,
  writeEwsXml,
} from '../index';

type Answer = { status: number; body: string };
let answer: (req: SoapRequest) => Answer;
const seen: SoapRequest[] = [];

beforeAll(() => {
  ews.ConfigurationApi.ConfigureXHR({
    apiName: 'in-memory',
    xhr: async (options) => {
      const req = readSoapRequest(String(options.data));
      seen.push(req);
      const { status, body } = answer(req);
      const headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8' };
      return {
        status,
        responseText: body,
        response: body,
        getAllResponseHeaders: () => 'content-type: text/xml; charset=utf-8',
        getResponseHeader: (name: string) => headers[name.toLowerCase()] ?? null,
      } as unknown as Parameters<typeof ews.ConfigurationApi.ConfigureXHR>[0] extends { xhr: (o: never) => Promise<infer R> } ? R : never;
    },
    xhrStream: async () => {
      throw new Error('not used');
    },
    disconnect: () => undefined,
  });
});

function service(): ews.ExchangeService {
  const svc = new ews.ExchangeService(ews.ExchangeVersion.Exchange2013_SP1);
  svc.Credentials = new ews.WebCredentials('alice@example.org', 'secret');
  svc.Url = new ews.Uri('https://mail.example.org/EWS/Exchange.asmx');
  return svc;
}

describe('with ews-javascript-api as the client', () => {
  it('accepts its GetFolder request and it reads our response and server version', async () => {
    answer = () => ({
      status: 200,
      body: writeEwsXml(
        soapEnvelope(
          operationResponse('GetFolder', [
            {
              content: el(NS.MESSAGES, 'Folders', {}, [
                el(NS.TYPES, 'Folder', {}, [
                  el(NS.TYPES, 'FolderId', { Id: 'AAMkAD=', ChangeKey: 'AQAAAA==' }),
                  el(NS.TYPES, 'DisplayName', {}, 'Inbox & <Co>'),
                  el(NS.TYPES, 'TotalCount', {}, 3),
                  el(NS.TYPES, 'ChildFolderCount', {}, 0),
                  el(NS.TYPES, 'UnreadCount', {}, 1),
                ]),
              ]),
            },
          ]),
        ),
      ),
    });
    const svc = service();
    const folder = await ews.Folder.Bind(svc, ews.WellKnownFolderName.Inbox);

    const req = seen[seen.length - 1];
    expect(req.operation).toBe('GetFolder');
    expect(req.headers.requestServerVersion).toBe('Exchange2013_SP1');
    expect(folder.DisplayName).toBe('Inbox & <Co>');
    expect(folder.TotalCount).toBe(3);
    expect(svc.ServerInfo.MajorVersion).toBe(15);
    expect(svc.ServerInfo.MinorVersion).toBe(1);
    expect(svc.ServerInfo.VersionString).toBe('V2017_07_11');
  });

  it('reads our fault: its code, and the server version from its header', async () => {
    answer = () => ({
      status: 500,
      body: writeEwsXml(faultForError(new EwsError(EwsErrorCode.InvalidServerVersion, 'The specified server version is invalid.'))),
    });
    const svc = service();
    expect(svc.ServerInfo).toBeFalsy();
    const failure: unknown = await ews.Folder.Bind(svc, ews.WellKnownFolderName.Calendar).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ews.SoapFaultDetails);
    const details = failure as ews.SoapFaultDetails;
    expect(details.ResponseCode).toBe(ews.ServiceError.ErrorInvalidServerVersion);
    // The library keeps faultstring's attributes (xml:lang, which Exchange sends too) in the value.
    expect(JSON.stringify(details.FaultString)).toContain('The specified server version is invalid.');
    expect(svc.ServerInfo.VersionString).toBe('V2017_07_11');
  });
});
