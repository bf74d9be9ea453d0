import { encodeMessageId, Topics } from '@parley/contracts';
import { CommandTimeoutError } from '@parley/messaging';
import { bodyXml, directoryUser, operationContext } from '../../../test/ews-operation-fixtures';
import { FakeMessageStore } from '../../../test/fake-message-store';
import { messageGateway } from '../../../test/message-gateway';

const alice = directoryUser('alice@parley.test', 'Alice Archer');
const bob = directoryUser('bob@parley.test', 'Bob Baker');
const ITEM = '<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>';

function setup() {
  const store = new FakeMessageStore();
  const gateway = messageGateway(store);
  const call = async (operationXml: string, as = alice) => {
    const name = /^<m:(\w+)/.exec(operationXml)?.[1] as string;
    const handler = gateway.byOperation.get(name);
    if (!handler) throw new Error(`no handler for ${name}`);
    return bodyXml(await handler.handle(operationContext(operationXml, as)));
  };
  return { store, gateway, call };
}

const codes = (xml: string) => [...xml.matchAll(/<m:ResponseCode>(\w+)<\/m:ResponseCode>/g)].map((m) => m[1]);
const subjects = (xml: string) => [...xml.matchAll(/<t:Subject>([^<]*)<\/t:Subject>/g)].map((m) => m[1]);
const day = (n: number) => `2031-03-${String(n).padStart(2, '0')}T09:00:00.000Z`;

const voicemailFacts = {
  source: 'exchange-um' as const,
  callerNumber: '+4930123456',
  callerNumberOriginal: 'tel:+4930123456',
  callerName: 'Dan Dialer',
  durationSeconds: 17,
  audioAttachmentId: null,
  audioContentType: 'audio/mpeg',
  transcription: null,
};

describe('GetItem on a message (golden)', () => {
  it('writes t:Message with its children in types.xsd order, MIME read by chunks, attachments listed without content', async () => {
    const { store, gateway, call } = setup();
    store.chunkBytes = 7; // The MIME arrives in many chunks; the answer is the whole of it.
    const mime = Buffer.from('Subject: Hi\r\nX-VoiceMessageDuration: 17\r\n\r\nHello Alice\r\n');
    const m = store.add({
      subject: 'Voice Mail from Dan Dialer (17 seconds)',
      receivedAt: day(2),
      mime,
      voicemail: voicemailFacts,
      attachments: [{ name: 'audio.mp3', contentType: 'audio/mpeg', bytes: Buffer.from([1, 2, 3]) }],
    });
    const xml = await call(
      `<m:GetItem><m:ItemShape><t:BaseShape>Default</t:BaseShape><t:IncludeMimeContent>true</t:IncludeMimeContent><t:AdditionalProperties>` +
        '<t:FieldURI FieldURI="message:InternetMessageId"/>' +
        '<t:ExtendedFieldURI PropertyTag="0x0e08" PropertyType="Integer"/>' +
        '<t:ExtendedFieldURI PropertyTag="0x0e07" PropertyType="Integer"/>' +
        '<t:ExtendedFieldURI PropertyTag="0x1081" PropertyType="Integer"/>' +
        '<t:ExtendedFieldURI DistinguishedPropertySetId="InternetHeaders" PropertyName="X-VoiceMessageDuration" PropertyType="Integer"/>' +
        '<t:ExtendedFieldURI PropertySetId="00020386-0000-0000-C000-000000000046" PropertyName="X-CallingTelephoneNumber" PropertyType="String"/>' +
        '<t:ExtendedFieldURI DistinguishedPropertySetId="InternetHeaders" PropertyName="x-voicemessagesendername" PropertyType="String"/>' +
        '<t:ExtendedFieldURI DistinguishedPropertySetId="PublicStrings" PropertyName="Unknown" PropertyType="String"/>' +
        `</t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="${m.view.id}"/></m:ItemIds></m:GetItem>`,
    );
    const inbox = gateway.folderIds.identity('alice@parley.test', 'inbox');
    const attachmentId = m.view.attachments[0].id;
    const time = '2031-03-02T09:00:00Z';
    expect(xml).toBe(
      '<m:GetItemResponse><m:ResponseMessages><m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message>' +
        `<t:MimeContent CharacterSet="UTF-8">${mime.toString('base64')}</t:MimeContent>` +
        `<t:ItemId Id="${m.view.id}" ChangeKey="CK1"/><t:ParentFolderId Id="${inbox.id}" ChangeKey="${inbox.changeKey}"/>` +
        '<t:ItemClass>IPM.Note.Microsoft.Voicemail.UM.CA</t:ItemClass><t:Subject>Voice Mail from Dan Dialer (17 seconds)</t:Subject><t:Sensitivity>Normal</t:Sensitivity>' +
        '<t:Body BodyType="Text">Hi</t:Body>' +
        `<t:Attachments><t:FileAttachment><t:AttachmentId Id="${attachmentId}" RootItemId="${m.view.id}" RootItemChangeKey="CK1"/><t:Name>audio.mp3</t:Name><t:ContentType>audio/mpeg</t:ContentType><t:Size>3</t:Size><t:IsInline>false</t:IsInline></t:FileAttachment></t:Attachments>` +
        `<t:DateTimeReceived>${time}</t:DateTimeReceived><t:Size>${mime.length}</t:Size><t:Importance>Normal</t:Importance>` +
        '<t:IsSubmitted>false</t:IsSubmitted><t:IsDraft>false</t:IsDraft><t:IsFromMe>false</t:IsFromMe><t:IsResend>false</t:IsResend><t:IsUnmodified>true</t:IsUnmodified>' +
        `<t:DateTimeSent>${time}</t:DateTimeSent><t:DateTimeCreated>${time}</t:DateTimeCreated><t:DisplayCc></t:DisplayCc><t:DisplayTo>Alice Archer</t:DisplayTo><t:HasAttachments>true</t:HasAttachments>` +
        `<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x0e08" PropertyType="Integer"/><t:Value>${mime.length}</t:Value></t:ExtendedProperty>` +
        '<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x0e07" PropertyType="Integer"/><t:Value>18</t:Value></t:ExtendedProperty>' +
        '<t:ExtendedProperty><t:ExtendedFieldURI DistinguishedPropertySetId="InternetHeaders" PropertyName="X-VoiceMessageDuration" PropertyType="Integer"/><t:Value>17</t:Value></t:ExtendedProperty>' +
        '<t:ExtendedProperty><t:ExtendedFieldURI PropertySetId="00020386-0000-0000-C000-000000000046" PropertyName="X-CallingTelephoneNumber" PropertyType="String"/><t:Value>+4930123456</t:Value></t:ExtendedProperty>' +
        '<t:ExtendedProperty><t:ExtendedFieldURI DistinguishedPropertySetId="InternetHeaders" PropertyName="x-voicemessagesendername" PropertyType="String"/><t:Value>Dan Dialer</t:Value></t:ExtendedProperty>' +
        `<t:LastModifiedTime>${time}</t:LastModifiedTime>` +
        '<t:Sender><t:Mailbox><t:Name>Carol Chen</t:Name><t:EmailAddress>carol@example.org</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType></t:Mailbox></t:Sender>' +
        '<t:ToRecipients><t:Mailbox><t:Name>Alice Archer</t:Name><t:EmailAddress>alice@parley.test</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType></t:Mailbox></t:ToRecipients>' +
        '<t:IsReadReceiptRequested>false</t:IsReadReceiptRequested><t:IsDeliveryReceiptRequested>false</t:IsDeliveryReceiptRequested>' +
        '<t:From><t:Mailbox><t:Name>Carol Chen</t:Name><t:EmailAddress>carol@example.org</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType></t:Mailbox></t:From>' +
        `<t:InternetMessageId>${m.view.internetMessageId?.replace(/</g, '&lt;').replace(/>/g, '&gt;')}</t:InternetMessageId><t:IsRead>false</t:IsRead>` +
        '</t:Message></m:Items></m:GetItemResponseMessage></m:ResponseMessages></m:GetItemResponse>',
    );
    // Every chunk was asked in order, within the contract's bound.
    const reads = store.asked
      .filter((a) => a.topic === Topics.mailboxContentReadRequest)
      .map((a) => (a.payload as { offset: number }).offset);
    expect(reads).toEqual(Array.from({ length: Math.ceil(mime.length / 7) }, (_, i) => i * 7));
  });

  it('converts the body to the BodyType asked for, answers AllProperties with the header lines, and never reads MIME unasked', async () => {
    const { store, call } = setup();
    const m = store.add({
      receivedAt: day(1),
      body: { type: 'HTML', content: '<html><body><p>Call me &amp; <b>soon</b></p></body></html>' },
    });
    const text = await call(
      `<m:GetItem><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape><t:BodyType>Text</t:BodyType></m:ItemShape><m:ItemIds><t:ItemId Id="${m.view.id}"/></m:ItemIds></m:GetItem>`,
    );
    expect(text).toContain('<t:Body BodyType="Text">Call me &amp; soon</t:Body>');
    expect(text).toContain(
      '<t:InternetMessageHeaders><t:InternetMessageHeader HeaderName="Subject">Hello</t:InternetMessageHeader></t:InternetMessageHeaders>',
    );
    expect(text).not.toContain('MimeContent');
    expect(store.asked.map((a) => a.topic)).toEqual([Topics.mailboxMessageGetRequest]);
    const plain = store.add({ receivedAt: day(1), body: { type: 'Text', content: 'a < b' } });
    const html = await call(
      `<m:GetItem><m:ItemShape><t:BaseShape>Default</t:BaseShape><t:BodyType>HTML</t:BodyType></m:ItemShape><m:ItemIds><t:ItemId Id="${plain.view.id}"/></m:ItemIds></m:GetItem>`,
    );
    expect(html).toContain(
      '<t:Body BodyType="HTML">&lt;html&gt;&lt;body&gt;&lt;pre&gt;a &amp;lt; b&lt;/pre&gt;&lt;/body&gt;&lt;/html&gt;</t:Body>',
    );
  });

  it("answers another mailbox's message id as not found and a forged one as malformed, without asking the store", async () => {
    const { store, call } = setup();
    const bobs = store.add({ mailbox: 'bob@parley.test', receivedAt: day(1) });
    const forged = encodeMessageId('alice@parley.test', '00000000-0000-0000-0000-000000000000').slice(0, -2) + 'zz';
    const xml = await call(
      `<m:GetItem>${ITEM}<m:ItemIds><t:ItemId Id="${bobs.view.id}"/><t:ItemId Id="${forged}"/></m:ItemIds></m:GetItem>`,
    );
    expect(codes(xml)).toEqual(['ErrorItemNotFound', 'ErrorItemNotFound']);
    expect(store.asked).toEqual([]);
    // Bob himself reads it.
    expect(codes(await call(`<m:GetItem>${ITEM}<m:ItemIds><t:ItemId Id="${bobs.view.id}"/></m:ItemIds></m:GetItem>`, bob))).toEqual([
      'NoError',
    ]);
    // A message deleted meanwhile: the store's refusal.
    const gone = encodeMessageId('alice@parley.test', '11111111-2222-3333-4444-555555555555');
    expect(codes(await call(`<m:GetItem>${ITEM}<m:ItemIds><t:ItemId Id="${gone}"/></m:ItemIds></m:GetItem>`))).toEqual([
      'ErrorItemNotFound',
    ]);
  });

  it('routes a mixed GetItem: message ids to the store, others to calendar-sync, answers in request order', async () => {
    const { store, call } = setup();
    const m = store.add({ receivedAt: day(1) });
    const ids = `<t:ItemId Id="${m.view.id}"/><t:ItemId Id="AAMkCal1"/><t:ItemId Id="${m.view.id}"/>`;
    const calendarAsked: string[] = [];
    const send = store['send'].bind(store);
    jest.spyOn(store as never, 'send').mockImplementation((async (topic: string, envelope: never) => {
      if (topic === Topics.calendarItemGetRequest) calendarAsked.push(topic);
      return send(topic, envelope);
    }) as never);
    const xml = await call(`<m:GetItem>${ITEM}<m:ItemIds>${ids}</m:ItemIds></m:GetItem>`);
    expect(codes(xml)).toEqual(['NoError', 'ErrorItemNotFound', 'NoError']);
    expect(xml.match(/<t:Message>/g)).toHaveLength(2);
    expect(calendarAsked).toEqual([Topics.calendarItemGetRequest]);
  });
});

describe('FindItem on message folders', () => {
  function withInbox(count: number) {
    const env = setup();
    for (let i = 1; i <= count; i++) env.store.add({ subject: `m${i}`, receivedAt: day(i), isRead: i % 2 === 0 });
    return env;
  }
  const findIn = (folder: string, view: string, extra = '', shape = '<t:BaseShape>Default</t:BaseShape>') =>
    `<m:FindItem Traversal="Shallow"><m:ItemShape>${shape}</m:ItemShape>${view}${extra}<m:ParentFolderIds>${folder}</m:ParentFolderIds></m:FindItem>`;
  const inbox = '<t:DistinguishedFolderId Id="inbox"/>';
  const page = (max: number, offset: number, base = 'Beginning') =>
    `<m:IndexedPageItemView MaxEntriesReturned="${max}" Offset="${offset}" BasePoint="${base}"/>`;

  it('pages the Inbox newest first with consistent paging attributes', async () => {
    const { call } = withInbox(5);
    const first = await call(findIn(inbox, page(2, 0)));
    expect(first).toContain('<m:RootFolder IndexedPagingOffset="2" TotalItemsInView="5" IncludesLastItemInRange="false">');
    expect(subjects(first)).toEqual(['m5', 'm4']);
    const last = await call(findIn(inbox, page(2, 4)));
    expect(last).toContain('<m:RootFolder IndexedPagingOffset="5" TotalItemsInView="5" IncludesLastItemInRange="true">');
    expect(subjects(last)).toEqual(['m1']);
    const fromEnd = await call(findIn(inbox, page(2, 0, 'End')));
    expect(subjects(fromEnd)).toEqual(['m2', 'm1']);
    const past = await call(findIn(inbox, page(2, 9)));
    expect(past).toContain(
      '<m:RootFolder IndexedPagingOffset="5" TotalItemsInView="5" IncludesLastItemInRange="true"><t:Items/></m:RootFolder>',
    );
  });

  it('sorts by DateTimeReceived as asked and refuses other sort keys and any restriction per folder', async () => {
    const { store, call } = withInbox(3);
    const ascending =
      '<m:SortOrder><t:FieldOrder Order="Ascending"><t:FieldURI FieldURI="item:DateTimeReceived"/></t:FieldOrder></m:SortOrder>';
    expect(subjects(await call(findIn(inbox, page(10, 0), ascending)))).toEqual(['m1', 'm2', 'm3']);
    const bySubject = '<m:SortOrder><t:FieldOrder Order="Ascending"><t:FieldURI FieldURI="item:Subject"/></t:FieldOrder></m:SortOrder>';
    const restriction =
      '<m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="message:IsRead"/><t:FieldURIOrConstant><t:Constant Value="false"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>';
    const asked = store.asked.length;
    expect(codes(await call(findIn(inbox, page(10, 0), bySubject)))).toEqual(['ErrorUnsupportedPathForSortGroup']);
    expect(codes(await call(findIn(inbox, page(10, 0), restriction)))).toEqual(['ErrorUnsupportedPathForQuery']);
    expect(store.asked.length).toBe(asked);
  });

  it('lists the voicemail view, other message folders and a folder by id; IdOnly writes ids only', async () => {
    const { store, gateway, call } = withInbox(2);
    const vm = store.add({ subject: 'Voice Mail from Dan', receivedAt: day(9), voicemail: voicemailFacts });
    store.add({ subject: 'junk', receivedAt: day(9), folder: 'junkemail' });
    const voicemail = await call(findIn('<t:DistinguishedFolderId Id="voicemail"/>', page(10, 0), '', '<t:BaseShape>IdOnly</t:BaseShape>'));
    expect(voicemail).toBe(
      '<m:FindItemResponse><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>' +
        '<m:RootFolder IndexedPagingOffset="1" TotalItemsInView="1" IncludesLastItemInRange="true">' +
        `<t:Items><t:Message><t:ItemId Id="${vm.view.id}" ChangeKey="CK1"/></t:Message></t:Items></m:RootFolder>` +
        '</m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>',
    );
    const junk = gateway.folderIds.identity('alice@parley.test', 'junkemail');
    expect(subjects(await call(findIn(`<t:FolderId Id="${junk.id}"/>`, page(10, 0))))).toEqual(['junk']);
    for (const folder of ['sentitems', 'drafts', 'outbox', 'notes', 'journal', 'conversationhistory']) {
      expect(await call(findIn(`<t:DistinguishedFolderId Id="${folder}"/>`, page(10, 0)))).toContain('TotalItemsInView="0"');
    }
    // FindItem never carries bodies, recipients or MIME, even when asked.
    const asked = await call(
      findIn(
        inbox,
        page(1, 0),
        '',
        '<t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:MimeContent"/><t:FieldURI FieldURI="message:ToRecipients"/><t:FieldURI FieldURI="item:Body"/><t:FieldURI FieldURI="message:IsRead"/></t:AdditionalProperties>',
      ),
    );
    expect(asked).toContain('<t:IsRead>false</t:IsRead>');
    expect(asked).not.toMatch(/MimeContent|ToRecipients|t:Body/);
  });

  it('lists nothing for the Associated and SoftDeleted traversals, without asking the store', async () => {
    const { store, call } = withInbox(2);
    const asked = store.asked.length;
    for (const traversal of ['Associated', 'SoftDeleted']) {
      const xml = await call(findIn(inbox, page(10, 0)).replace('Traversal="Shallow"', `Traversal="${traversal}"`));
      expect(xml).toContain(
        '<m:RootFolder IndexedPagingOffset="0" TotalItemsInView="0" IncludesLastItemInRange="true"><t:Items/></m:RootFolder>',
      );
    }
    expect(store.asked.length).toBe(asked);
  });

  it('serves an impersonating application the impersonated mailbox', async () => {
    const { store, gateway } = withInbox(1);
    const app = directoryUser('app@parley.test', 'App');
    const handler = gateway.byOperation.get('FindItem');
    const answer = await handler?.handle(operationContext(findIn(inbox, page(10, 0)), alice, app));
    expect(subjects(bodyXml(answer as never))).toEqual(['m1']);
    expect((store.asked.at(-1)?.payload as { mailbox: string }).mailbox).toBe('alice@parley.test');
  });

  it("refuses another user's Inbox, a CalendarView, and answers a store time-out as ErrorServerBusy", async () => {
    const { store, call } = withInbox(1);
    const bobsInbox =
      '<t:DistinguishedFolderId Id="inbox"><t:Mailbox><t:EmailAddress>bob@parley.test</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>';
    expect(codes(await call(findIn(bobsInbox, page(10, 0))))).toEqual(['ErrorAccessDenied']);
    expect(codes(await call(findIn(inbox, '<m:CalendarView StartDate="2031-03-01T00:00:00Z" EndDate="2031-03-09T00:00:00Z"/>')))).toEqual([
      'ErrorInvalidOperation',
    ]);
    jest.spyOn(store as never, 'send').mockRejectedValue(new CommandTimeoutError(Topics.mailboxMessageFindRequest, 5000) as never);
    const busy = await call(findIn(inbox, page(10, 0)));
    expect(codes(busy)).toEqual(['ErrorServerBusy']);
    expect(busy).toContain('BackOffMilliseconds');
  });

  it("merges Deleted Items: calendar-sync's items first, then the store's messages, paged as one list", async () => {
    const { store, call } = setup();
    for (let i = 1; i <= 3; i++) store.add({ subject: `d${i}`, receivedAt: day(i), folder: 'deleteditems' });
    const deleted = '<t:DistinguishedFolderId Id="deleteditems"/>';
    const xml = await call(findIn(deleted, page(2, 0)));
    expect(xml).toContain('<m:RootFolder IndexedPagingOffset="2" TotalItemsInView="3" IncludesLastItemInRange="false">');
    expect(subjects(xml)).toEqual(['d3', 'd2']);
    const rest = await call(findIn(deleted, page(2, 2)));
    expect(subjects(rest)).toEqual(['d1']);
    expect(rest).toContain('IncludesLastItemInRange="true"');
  });
});

describe('UpdateItem, DeleteItem, MoveItem and MarkAllItemsAsRead on messages', () => {
  const setIsRead = (id: string, value: string, changeKey = '') =>
    `<m:UpdateItem ConflictResolution="${changeKey ? 'NeverOverwrite' : 'AutoResolve'}" MessageDisposition="SaveOnly"><m:ItemChanges><t:ItemChange><t:ItemId Id="${id}"${changeKey ? ` ChangeKey="${changeKey}"` : ''}/><t:Updates>` +
    `<t:SetItemField><t:FieldURI FieldURI="message:IsRead"/><t:Message><t:IsRead>${value}</t:IsRead></t:Message></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`;

  it.each([
    ['1', true],
    ['true', true],
    ['0', false],
    ['false', false],
  ])('sets IsRead from xs:boolean %s and answers the new change key', async (value, expected) => {
    const { store, call } = setup();
    const m = store.add({ receivedAt: day(1), isRead: !expected });
    const xml = await call(setIsRead(m.view.id, value));
    expect(xml).toContain(
      `<m:Items><t:Message><t:ItemId Id="${m.view.id}" ChangeKey="CK2"/></t:Message></m:Items><m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>`,
    );
    expect(store.messages[0].view.isRead).toBe(expected);
  });

  it('resets IsRead by DeleteItemField, refuses other properties, and maps a stale change key to ErrorIrresolvableConflict', async () => {
    const { store, call } = setup();
    const m = store.add({ receivedAt: day(1), isRead: true });
    const del = `<m:UpdateItem ConflictResolution="AutoResolve"><m:ItemChanges><t:ItemChange><t:ItemId Id="${m.view.id}"/><t:Updates><t:DeleteItemField><t:FieldURI FieldURI="message:IsRead"/></t:DeleteItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`;
    expect(codes(await call(del))).toEqual(['NoError']);
    expect(store.messages[0].view.isRead).toBe(false);
    const subject = `<m:UpdateItem ConflictResolution="AutoResolve"><m:ItemChanges><t:ItemChange><t:ItemId Id="${m.view.id}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:Message><t:Subject>x</t:Subject></t:Message></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`;
    expect(codes(await call(subject))).toEqual(['ErrorInvalidPropertySet']);
    expect(codes(await call(setIsRead(m.view.id, 'true', 'CK1')))).toEqual(['ErrorIrresolvableConflict']);
    await expect(call(setIsRead(m.view.id, 'yes'))).rejects.toMatchObject({ responseCode: 'ErrorSchemaValidation' });
  });

  it('deletes by MoveToDeletedItems, SoftDelete and HardDelete as the store is told', async () => {
    const { store, call } = setup();
    const [a, b] = [store.add({ receivedAt: day(1) }), store.add({ receivedAt: day(2) })];
    const del = (type: string, id: string) =>
      `<m:DeleteItem DeleteType="${type}"><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:DeleteItem>`;
    expect(codes(await call(del('MoveToDeletedItems', a.view.id)))).toEqual(['NoError']);
    expect(a.view.folder).toBe('deleteditems');
    expect(codes(await call(del('SoftDelete', b.view.id)))).toEqual(['NoError']);
    expect(codes(await call(del('HardDelete', a.view.id)))).toEqual(['NoError']);
    expect(store.messages).toEqual([]);
    const disposals = store.asked
      .filter((x) => x.topic === Topics.mailboxMessageDeleteRequest)
      .map((x) => (x.payload as { disposal: string }).disposal);
    expect(disposals).toEqual(['MoveToDeletedItems', 'SoftDelete', 'HardDelete']);
  });

  it('moves between message folders and refuses the voicemail view, Calendar and copies', async () => {
    const { store, call } = setup();
    const m = store.add({ receivedAt: day(1) });
    const move = (folder: string) =>
      `<m:MoveItem><m:ToFolderId><t:DistinguishedFolderId Id="${folder}"/></m:ToFolderId><m:ItemIds><t:ItemId Id="${m.view.id}"/></m:ItemIds></m:MoveItem>`;
    expect(await call(move('junkemail'))).toContain(`<t:Message><t:ItemId Id="${m.view.id}" ChangeKey="CK2"/></t:Message>`);
    expect(m.view.folder).toBe('junkemail');
    expect(codes(await call(move('voicemail')))).toEqual(['ErrorMoveCopyFailed']);
    expect(codes(await call(move('calendar')))).toEqual(['ErrorMoveCopyFailed']);
  });

  it('marks whole folders read or unread, one response per folder; folders without messages succeed untouched', async () => {
    const { store, call } = setup();
    store.add({ receivedAt: day(1) });
    store.add({ receivedAt: day(2), voicemail: voicemailFacts });
    store.add({ receivedAt: day(3), folder: 'junkemail' });
    const mark = (flag: string, folders: string) =>
      `<m:MarkAllItemsAsRead><m:ReadFlag>${flag}</m:ReadFlag><m:SuppressReadReceipts>true</m:SuppressReadReceipts><m:FolderIds>${folders}</m:FolderIds></m:MarkAllItemsAsRead>`;
    const xml = await call(
      mark(
        'true',
        '<t:DistinguishedFolderId Id="voicemail"/><t:DistinguishedFolderId Id="calendar"/><t:DistinguishedFolderId Id="nosuchfolder"/>',
      ),
    );
    expect(
      xml.startsWith('<m:MarkAllItemsAsReadResponse><m:ResponseMessages><m:MarkAllItemsAsReadResponseMessage ResponseClass="Success">'),
    ).toBe(true);
    expect(codes(xml)).toEqual(['NoError', 'NoError', 'ErrorFolderNotFound']);
    expect(store.messages.map((m) => m.view.isRead)).toEqual([false, true, false]);
    await call(mark('1', '<t:DistinguishedFolderId Id="inbox"/><t:DistinguishedFolderId Id="junkemail"/>'));
    expect(store.messages.map((m) => m.view.isRead)).toEqual([true, true, true]);
    await call(mark('false', '<t:DistinguishedFolderId Id="inbox"/>'));
    expect(store.messages.map((m) => m.view.isRead)).toEqual([false, false, true]);
  });
});

describe('GetAttachment', () => {
  it('answers the bytes identically (read in chunks), with name, type, size and root item', async () => {
    const { store, call } = setup();
    store.chunkBytes = 1000;
    const audio = Buffer.from(Array.from({ length: 4321 }, (_, i) => (i * 31) % 256));
    const m = store.add({ receivedAt: day(1), attachments: [{ name: 'msg0000.wav', contentType: 'audio/x-wav', bytes: audio }] });
    const id = m.view.attachments[0].id;
    const xml = await call(`<m:GetAttachment><m:AttachmentIds><t:AttachmentId Id="${id}"/></m:AttachmentIds></m:GetAttachment>`);
    expect(xml).toBe(
      '<m:GetAttachmentResponse><m:ResponseMessages><m:GetAttachmentResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Attachments>' +
        `<t:FileAttachment><t:AttachmentId Id="${id}" RootItemId="${m.view.id}" RootItemChangeKey="CK1"/><t:Name>msg0000.wav</t:Name><t:ContentType>audio/x-wav</t:ContentType>` +
        `<t:Size>4321</t:Size><t:IsInline>false</t:IsInline><t:Content>${audio.toString('base64')}</t:Content></t:FileAttachment>` +
        '</m:Attachments></m:GetAttachmentResponseMessage></m:ResponseMessages></m:GetAttachmentResponse>',
    );
    expect(store.asked.filter((a) => a.topic === Topics.mailboxContentReadRequest)).toHaveLength(5);
  });

  it("refuses a malformed id and another mailbox's attachment per attachment", async () => {
    const { store, call } = setup();
    const bobs = store.add({
      mailbox: 'bob@parley.test',
      receivedAt: day(1),
      attachments: [{ name: 'a', contentType: 'text/plain', bytes: Buffer.from('a') }],
    });
    const xml = await call(
      `<m:GetAttachment><m:AttachmentIds><t:AttachmentId Id="nope"/><t:AttachmentId Id="${bobs.view.attachments[0].id}"/></m:AttachmentIds></m:GetAttachment>`,
    );
    expect(codes(xml)).toEqual(['ErrorInvalidIdMalformed', 'ErrorItemNotFound']);
    expect(store.asked).toEqual([]);
  });
});

describe('GetFolder counts of message folders', () => {
  it('answers real TotalCount and UnreadCount, Deleted Items summing both owners, in one request per owner', async () => {
    const { store, call } = setup();
    store.add({ receivedAt: day(1) });
    store.add({ receivedAt: day(2), isRead: true });
    store.add({ receivedAt: day(3), voicemail: voicemailFacts });
    store.add({ receivedAt: day(4), folder: 'deleteditems' });
    store.calendarDeleted = 2;
    const xml = await call(
      '<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape><t:AdditionalProperties><t:ExtendedFieldURI PropertyTag="0x3603" PropertyType="Integer"/></t:AdditionalProperties></m:FolderShape><m:FolderIds>' +
        '<t:DistinguishedFolderId Id="inbox"/><t:DistinguishedFolderId Id="voicemail"/><t:DistinguishedFolderId Id="deleteditems"/><t:DistinguishedFolderId Id="junkemail"/><t:DistinguishedFolderId Id="notes"/>' +
        '</m:FolderIds></m:GetFolder>',
    );
    const counts = [
      ...xml.matchAll(
        /<t:DisplayName>([^<]+)<\/t:DisplayName><t:TotalCount>(\d+)<\/t:TotalCount>.*?<t:UnreadCount>(\d+)<\/t:UnreadCount>/g,
      ),
    ].map((m) => [m[1], Number(m[2]), Number(m[3])]);
    expect(counts).toEqual([
      ['Inbox', 3, 2],
      ['Voice Mail', 1, 1],
      ['Deleted Items', 3, 1],
      ['Junk Email', 0, 0],
      ['Notes', 0, 0],
    ]);
    expect(xml).toContain(
      '<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x3603" PropertyType="Integer"/><t:Value>2</t:Value></t:ExtendedProperty>',
    );
    expect(store.asked.map((a) => a.topic).sort()).toEqual([Topics.calendarFolderCountsGetRequest, Topics.mailboxCountsGetRequest].sort());
  });

  it('writes the new folders with their classes and answers a store time-out per message folder only', async () => {
    const { store, call } = setup();
    const xml = await call(
      '<m:GetFolder><m:FolderShape><t:BaseShape>AllProperties</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="notes"/><t:DistinguishedFolderId Id="journal"/><t:DistinguishedFolderId Id="conversationhistory"/></m:FolderIds></m:GetFolder>',
    );
    expect([...xml.matchAll(/<t:FolderClass>([^<]+)</g)].map((m) => m[1])).toEqual(['IPF.StickyNote', 'IPF.Journal', 'IPF.Note']);
    const send = store['send'].bind(store);
    jest.spyOn(store as never, 'send').mockImplementation((async (topic: string, envelope: never) => {
      if (topic === Topics.mailboxCountsGetRequest) throw new CommandTimeoutError(topic, 5000);
      return send(topic, envelope);
    }) as never);
    const busy = await call(
      '<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/><t:DistinguishedFolderId Id="calendar"/></m:FolderIds></m:GetFolder>',
    );
    expect(codes(busy)).toEqual(['ErrorServerBusy', 'NoError']);
  });
});
