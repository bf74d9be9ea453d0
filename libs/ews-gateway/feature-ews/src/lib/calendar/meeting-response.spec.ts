import { type CalendarItemView, CommandErrorCodes, Topics } from '@parley/contracts';
import { CommandRefusedError } from '@parley/messaging';
import { ActingMailboxResolver, type ActingMailbox } from '@parley/ews-gateway/auth';
import { readSoapRequest } from '@parley/ews-gateway/soap';
import { FolderIds } from '../folders/folder-ids';
import { bodyXml, directoryUser, M, T } from '../../../test/ews-operation-fixtures';
import type { EwsOperationContext } from '../ews-operation';
import { CalendarAccess } from './calendar-access';
import type { CalendarClient } from './calendar.client';
import { CreateItemHandler } from './create-item.handler';

const bob = directoryUser('bob@parley.test', 'Bob');
const access = new CalendarAccess(new ActingMailboxResolver({} as never), new FolderIds({ idSecret: 'test-secret' }));

function createItem(attributes: string, items: string, savedItemFolderId = ''): EwsOperationContext {
  const xml =
    `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="${M}" xmlns:t="${T}"><soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/></soap:Header>` +
    `<soap:Body><m:CreateItem ${attributes}>${savedItemFolderId}<m:Items>${items}</m:Items></m:CreateItem></soap:Body></soap:Envelope>`;
  const acting: ActingMailbox = { caller: bob, mailbox: bob, impersonating: false };
  return { request: readSoapRequest(xml), acting };
}

const answeredCopy = { id: 'AAMkCopy1', changeKey: 'CKanswered' } as CalendarItemView;

function fakeCalendar(respond: jest.Mock = jest.fn(async () => answeredCopy)) {
  return { respond, create: jest.fn() } as unknown as CalendarClient & { respond: jest.Mock; create: jest.Mock };
}

const accept = '<t:AcceptItem><t:ReferenceItemId Id="AAMkCopy1" ChangeKey="CK1"/></t:AcceptItem>';

describe('CreateItem with meeting responses', () => {
  it('answers AcceptItem with the rewritten copy (golden)', async () => {
    const calendar = fakeCalendar();
    const answer = await new CreateItemHandler(calendar, access).handle(createItem('MessageDisposition="SendAndSaveCopy"', accept));
    expect(calendar.respond).toHaveBeenCalledWith('bob@parley.test', 'AAMkCopy1', 'Accept', 'SendAndSaveCopy');
    expect(calendar.create).not.toHaveBeenCalled();
    expect(bodyXml(answer)).toBe(
      '<m:CreateItemResponse><m:ResponseMessages><m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>' +
        '<m:Items><t:CalendarItem><t:ItemId Id="AAMkCopy1" ChangeKey="CKanswered"/></t:CalendarItem></m:Items></m:CreateItemResponseMessage></m:ResponseMessages></m:CreateItemResponse>',
    );
  });

  it('maps each response object, and answers SendOnly with empty Items (a body is accepted and dropped)', async () => {
    const calendar = fakeCalendar();
    const items =
      '<t:TentativelyAcceptItem><t:Body BodyType="Text">Maybe</t:Body><t:ReferenceItemId Id="AAMkCopy1"/></t:TentativelyAcceptItem>' +
      '<t:DeclineItem><t:ReferenceItemId Id="AAMkCopy2"/></t:DeclineItem>';
    const answer = await new CreateItemHandler(calendar, access).handle(createItem('MessageDisposition="SendOnly"', items));
    expect(calendar.respond.mock.calls).toEqual([
      ['bob@parley.test', 'AAMkCopy1', 'Tentative', 'SendOnly'],
      ['bob@parley.test', 'AAMkCopy2', 'Decline', 'SendOnly'],
    ]);
    expect(bodyXml(answer).match(/<m:Items\/>/g)).toHaveLength(2);
    expect(bodyXml(answer)).not.toContain('ResponseClass="Error"');
  });

  it('needs a MessageDisposition and a ReferenceItemId (per item)', async () => {
    const calendar = fakeCalendar();
    const noDisposition = bodyXml(await new CreateItemHandler(calendar, access).handle(createItem('', accept)));
    expect(noDisposition).toContain('<m:ResponseCode>ErrorMessageDispositionRequired</m:ResponseCode>');
    const noReference = bodyXml(
      await new CreateItemHandler(calendar, access).handle(
        createItem('MessageDisposition="SaveOnly"', '<t:AcceptItem/><t:DeclineItem><t:ReferenceItemId Id=""/></t:DeclineItem>'),
      ),
    );
    expect(noReference.match(/<m:ResponseCode>(\w+)<\/m:ResponseCode>/g)).toEqual([
      '<m:ResponseCode>ErrorInvalidRequest</m:ResponseCode>',
      '<m:ResponseCode>ErrorInvalidIdEmpty</m:ResponseCode>',
    ]);
    expect(calendar.respond).not.toHaveBeenCalled();
  });

  it("turns calendar-sync's refusals into per-item errors, the other items going on", async () => {
    const refusals = [
      new CommandRefusedError(
        Topics.calendarItemRespondRequest,
        CommandErrorCodes.invalidOperation,
        'The organizer of a meeting cannot answer it.',
      ),
      new CommandRefusedError(Topics.calendarItemRespondRequest, CommandErrorCodes.itemNotFound, 'no such item'),
    ];
    const calendar = fakeCalendar(jest.fn(async () => Promise.reject(refusals.shift() ?? new Error('unexpected'))));
    const items = accept + '<t:DeclineItem><t:ReferenceItemId Id="AAMkElsewhere"/></t:DeclineItem>';
    const xml = bodyXml(await new CreateItemHandler(calendar, access).handle(createItem('MessageDisposition="SendAndSaveCopy"', items)));
    expect(xml.match(/<m:ResponseCode>(\w+)<\/m:ResponseCode>/g)).toEqual([
      '<m:ResponseCode>ErrorInvalidOperation</m:ResponseCode>',
      '<m:ResponseCode>ErrorItemNotFound</m:ResponseCode>',
    ]);
    expect(xml).toContain('The specified object was not found in the store.');
  });

  it('refuses a SavedItemFolderId of another mailbox (ErrorAccessDenied), answering nothing', async () => {
    const calendar = fakeCalendar();
    const alicesSentItems =
      '<m:SavedItemFolderId><t:DistinguishedFolderId Id="sentitems"><t:Mailbox><t:EmailAddress>alice@parley.test</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId></m:SavedItemFolderId>';
    const answer = bodyXml(
      await new CreateItemHandler(calendar, access).handle(createItem('MessageDisposition="SendAndSaveCopy"', accept, alicesSentItems)),
    );
    expect(answer).toContain('<m:ResponseCode>ErrorAccessDenied</m:ResponseCode>');
    expect(calendar.respond).not.toHaveBeenCalled();
  });
});
