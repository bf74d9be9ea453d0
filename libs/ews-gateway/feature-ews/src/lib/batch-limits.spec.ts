import { EwsError, EwsResponseCode, NS, readSoapRequest } from '@parley/ews-gateway/soap';
import { checkBatchSize } from './batch-limits';

const limits = { maxItems: 3, maxMailboxes: 2 };

function request(operation: string, container: string, units: string[]) {
  const xml =
    `<soap:Envelope xmlns:soap="${NS.SOAP}" xmlns:m="${NS.MESSAGES}" xmlns:t="${NS.TYPES}"><soap:Body>` +
    `<m:${operation}><m:${container}>${units.join('')}</m:${container}></m:${operation}></soap:Body></soap:Envelope>`;
  return readSoapRequest(xml);
}

function refusal(fn: () => void): EwsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EwsError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `<t:ItemId Id="id${i}"/>`);

describe('checkBatchSize', () => {
  it.each([
    ['GetItem', 'ItemIds', ids],
    ['DeleteItem', 'ItemIds', ids],
    ['MoveItem', 'ItemIds', ids],
    ['CopyItem', 'ItemIds', ids],
    [
      'UpdateItem',
      'ItemChanges',
      (n: number) => Array.from({ length: n }, (_, i) => `<t:ItemChange><t:ItemId Id="id${i}"/><t:Updates/></t:ItemChange>`),
    ],
    ['CreateItem', 'Items', (n: number) => Array.from({ length: n }, () => '<t:Task><t:Subject>x</t:Subject></t:Task>')],
    ['FindItem', 'ParentFolderIds', (n: number) => Array.from({ length: n }, () => '<t:DistinguishedFolderId Id="calendar"/>')],
    ['GetFolder', 'FolderIds', (n: number) => Array.from({ length: n }, () => '<t:DistinguishedFolderId Id="inbox"/>')],
    ['FindFolder', 'ParentFolderIds', (n: number) => Array.from({ length: n }, () => '<t:DistinguishedFolderId Id="root"/>')],
    ['ConvertId', 'SourceIds', (n: number) => Array.from({ length: n }, () => '<t:AlternateId Format="EwsId" Id="x" Mailbox="a@b"/>')],
  ])('%s: accepts the limit, refuses one more as a whole with ErrorInvalidRequest', (operation, container, units) => {
    expect(() => checkBatchSize(request(operation, container, units(3)), limits)).not.toThrow();
    const err = refusal(() => checkBatchSize(request(operation, container, units(4)), limits));
    expect(err.responseCode).toBe(EwsResponseCode.ErrorInvalidRequest);
    expect(err.message).toBe(`'${container}' holds 4 entries; at most 3 are allowed in one ${operation}.`);
  });

  it('GetUserAvailability: refuses more mailboxes than allowed with ErrorMailboxDataArrayTooBig', () => {
    const mailboxes = (n: number) =>
      Array.from({ length: n }, (_, i) => `<t:MailboxData><t:Email><t:Address>u${i}@x</t:Address></t:Email></t:MailboxData>`);
    expect(() => checkBatchSize(request('GetUserAvailabilityRequest', 'MailboxDataArray', mailboxes(2)), limits)).not.toThrow();
    const err = refusal(() => checkBatchSize(request('GetUserAvailabilityRequest', 'MailboxDataArray', mailboxes(3)), limits));
    expect(err.responseCode).toBe(EwsResponseCode.ErrorMailboxDataArrayTooBig);
  });

  it('leaves operations without a batch, and requests without the container, to their handlers', () => {
    expect(() => checkBatchSize(request('GetUserOofSettingsRequest', 'Mailbox', ids(10)), limits)).not.toThrow();
    expect(() => checkBatchSize(request('GetItem', 'ItemShape', ids(10)), limits)).not.toThrow();
  });
});
