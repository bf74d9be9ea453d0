import { encodeMessageId, Topics } from '@parley/contracts';
import { EwsError } from '@parley/ews-gateway/soap';
import { bodyXml, directoryUser, operationContext } from '../../../test/ews-operation-fixtures';
import { FakeMessageStore } from '../../../test/fake-message-store';
import { messageGateway } from '../../../test/message-gateway';

const alice = directoryUser('alice@parley.test', 'Alice Archer');

function setup() {
  const store = new FakeMessageStore();
  const gateway = messageGateway(store);
  const call = async (operationXml: string) => {
    const name = /^<m:(\w+)/.exec(operationXml)?.[1] as string;
    const handler = gateway.byOperation.get(name);
    if (!handler) throw new Error(`no handler for ${name}`);
    return bodyXml(await handler.handle(operationContext(operationXml, alice)));
  };
  const asked = (topic: string) => store.asked.filter((a) => a.topic === topic).map((a) => a.payload);
  return { store, call, asked };
}

const codes = (xml: string) => [...xml.matchAll(/<m:ResponseCode>(\w+)<\/m:ResponseCode>/g)].map((m) => m[1]);
const mailbox = (address: string, name?: string) =>
  `<t:Mailbox>${name ? `<t:Name>${name}</t:Name>` : ''}<t:EmailAddress>${address}</t:EmailAddress></t:Mailbox>`;

function createItem(disposition: string | null, items: string, folder = ''): string {
  const attribute = disposition === null ? '' : ` MessageDisposition="${disposition}"`;
  return `<m:CreateItem${attribute}>${folder}<m:Items>${items}</m:Items></m:CreateItem>`;
}

describe('CreateItem of mail', () => {
  it('SendAndSaveCopy hands the composed fields to the store and answers empty Items, as Exchange does for a sent message', async () => {
    const { call, asked } = setup();
    const xml = await call(
      createItem(
        'SendAndSaveCopy',
        '<t:Message><t:Subject>Lunch</t:Subject><t:Body BodyType="HTML">&lt;p&gt;At noon&lt;/p&gt;</t:Body><t:Importance>High</t:Importance>' +
          `<t:ToRecipients>${mailbox('bob@parley.test', 'Bob Baker')}${mailbox('partner@elsewhere.test')}</t:ToRecipients>` +
          `<t:CcRecipients>${mailbox('carol@parley.test')}</t:CcRecipients><t:BccRecipients>${mailbox('hidden@elsewhere.test')}</t:BccRecipients></t:Message>`,
        '<m:SavedItemFolderId><t:DistinguishedFolderId Id="sentitems"/></m:SavedItemFolderId>',
      ),
    );
    expect(xml).toBe(
      '<m:CreateItemResponse><m:ResponseMessages><m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>' +
        '<m:Items/></m:CreateItemResponseMessage></m:ResponseMessages></m:CreateItemResponse>',
    );
    expect(asked(Topics.mailboxMessageCreateRequest)).toEqual([
      {
        mailbox: 'alice@parley.test',
        disposition: 'SendAndSaveCopy',
        saveTo: 'sentitems',
        subject: 'Lunch',
        body: { type: 'HTML', content: '<p>At noon</p>' },
        to: [
          { address: 'bob@parley.test', name: 'Bob Baker' },
          { address: 'partner@elsewhere.test', name: null },
        ],
        cc: [{ address: 'carol@parley.test', name: null }],
        bcc: [{ address: 'hidden@elsewhere.test', name: null }],
        importance: 'High',
      },
    ]);
  });

  it('SaveOnly answers the draft it kept; SendOnly keeps nothing', async () => {
    const { call } = setup();
    const saved = await call(createItem('SaveOnly', '<t:Message><t:Subject>Draft</t:Subject></t:Message>'));
    expect(saved).toMatch(/<m:Items><t:Message><t:ItemId Id="[\w-]+" ChangeKey="CK1"\/><\/t:Message><\/m:Items>/);
    const sent = await call(
      createItem('SendOnly', `<t:Message><t:ToRecipients>${mailbox('bob@parley.test')}</t:ToRecipients></t:Message>`),
    );
    expect(sent).toContain('<m:Items/>');
  });

  it('refuses mail without MessageDisposition, and a recipient that is no SMTP address, asking the store nothing', async () => {
    const { call, asked } = setup();
    expect(codes(await call(createItem(null, '<t:Message><t:Subject>x</t:Subject></t:Message>')))).toEqual([
      'ErrorMessageDispositionRequired',
    ]);
    expect(
      codes(await call(createItem('SendOnly', `<t:Message><t:ToRecipients>${mailbox('not an address')}</t:ToRecipients></t:Message>`))),
    ).toEqual(['ErrorInvalidSmtpAddress']);
    expect(
      codes(
        await call(
          createItem('SaveOnly', '<t:Message/>', '<m:SavedItemFolderId><t:DistinguishedFolderId Id="calendar"/></m:SavedItemFolderId>'),
        ),
      ),
    ).toEqual(['ErrorInvalidOperation']);
    expect(asked(Topics.mailboxMessageCreateRequest)).toEqual([]);
  });

  it('ReplyToItem, ReplyAllToItem and ForwardItem name the message they answer and carry NewBodyContent', async () => {
    const { call, asked } = setup();
    const original = encodeMessageId('alice@parley.test', '00000000-0000-4000-8000-000000000001');
    const reference = `<t:ReferenceItemId Id="${original}" ChangeKey="CK"/>`;
    const xml = await call(
      createItem(
        'SendAndSaveCopy',
        `<t:ReplyToItem>${reference}<t:NewBodyContent BodyType="Text">Yes</t:NewBodyContent></t:ReplyToItem>` +
          `<t:ReplyAllToItem>${reference}</t:ReplyAllToItem>` +
          `<t:ForwardItem><t:ToRecipients>${mailbox('partner@elsewhere.test')}</t:ToRecipients>${reference}<t:NewBodyContent BodyType="HTML">FYI</t:NewBodyContent></t:ForwardItem>`,
      ),
    );
    expect(codes(xml)).toEqual(['NoError', 'NoError', 'NoError']);
    expect(asked(Topics.mailboxMessageCreateRequest)).toEqual([
      expect.objectContaining({ respondsTo: { itemId: original, kind: 'reply' }, body: { type: 'Text', content: 'Yes' }, to: [] }),
      expect.objectContaining({ respondsTo: { itemId: original, kind: 'reply-all' }, body: null }),
      expect.objectContaining({
        respondsTo: { itemId: original, kind: 'forward' },
        body: { type: 'HTML', content: 'FYI' },
        to: [{ address: 'partner@elsewhere.test', name: null }],
      }),
    ]);
  });

  it("a response to another mailbox's message is not found, without asking the store", async () => {
    const { call, asked } = setup();
    const bobs = encodeMessageId('bob@parley.test', '00000000-0000-4000-8000-000000000001');
    expect(codes(await call(createItem('SendOnly', `<t:ReplyToItem><t:ReferenceItemId Id="${bobs}"/></t:ReplyToItem>`)))).toEqual([
      'ErrorItemNotFound',
    ]);
    expect(asked(Topics.mailboxMessageCreateRequest)).toEqual([]);
  });

  it("maps the store's refusals: an unreachable recipient, too many or no recipients", async () => {
    const { store, call } = setup();
    const message = `<t:Message><t:ToRecipients>${mailbox('partner@elsewhere.test')}</t:ToRecipients></t:Message>`;
    store.refuseSubmission = { code: 'RecipientUnreachable', message: 'No smarthost is configured (PARLEY_SMTP_SMARTHOST).' };
    const unreachable = await call(createItem('SendAndSaveCopy', message));
    expect(codes(unreachable)).toEqual(['ErrorMailRecipientNotFound']);
    expect(unreachable).toContain('<m:Items/>');
    store.refuseSubmission = { code: 'InvalidRecipients', message: 'A message may have at most 100 recipients.' };
    expect(codes(await call(createItem('SendAndSaveCopy', message)))).toEqual(['ErrorInvalidRecipients']);
  });
});

describe('SendItem', () => {
  const draft = encodeMessageId('alice@parley.test', '00000000-0000-4000-8000-000000000002');

  it('sends each id, saving to Sent Items (or SavedItemFolderId) or not, with the change key', async () => {
    const { call, asked } = setup();
    const xml = await call(
      `<m:SendItem SaveItemToFolder="true"><m:ItemIds><t:ItemId Id="${draft}" ChangeKey="CK1"/></m:ItemIds>` +
        '<m:SavedItemFolderId><t:DistinguishedFolderId Id="inbox"/></m:SavedItemFolderId></m:SendItem>',
    );
    expect(xml).toBe(
      '<m:SendItemResponse><m:ResponseMessages><m:SendItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>' +
        '</m:SendItemResponseMessage></m:ResponseMessages></m:SendItemResponse>',
    );
    await call(`<m:SendItem SaveItemToFolder="false"><m:ItemIds><t:ItemId Id="${draft}"/></m:ItemIds></m:SendItem>`);
    expect(asked(Topics.mailboxMessageSendRequest)).toEqual([
      { mailbox: 'alice@parley.test', itemId: draft, changeKey: 'CK1', saveCopy: true, saveTo: 'inbox' },
      { mailbox: 'alice@parley.test', itemId: draft, saveCopy: false },
    ]);
  });

  it('needs SaveItemToFolder; an id of another mailbox is not found', async () => {
    const { call } = setup();
    await expect(call(`<m:SendItem><m:ItemIds><t:ItemId Id="${draft}"/></m:ItemIds></m:SendItem>`)).rejects.toBeInstanceOf(EwsError);
    const bobs = encodeMessageId('bob@parley.test', '00000000-0000-4000-8000-000000000002');
    expect(codes(await call(`<m:SendItem SaveItemToFolder="true"><m:ItemIds><t:ItemId Id="${bobs}"/></m:ItemIds></m:SendItem>`))).toEqual([
      'ErrorItemNotFound',
    ]);
  });
});
