import { ActingMailboxResolver } from '@parley/ews-gateway/auth';
import type { Envelope } from '@parley/contracts';
import { messageViewKinds, Topics } from '@parley/contracts';
import { CommandBus, CommandTimeoutError } from '@parley/messaging';
import { FreeBusyCache } from '../availability/free-busy-cache';
import { CalendarClient } from '../calendar/calendar.client';
import { MessageClient } from '../messages/message.client';
import { bodyXml, directoryUser, operationContext } from '../../../test/ews-operation-fixtures';
import { FindFolderHandler } from './find-folder.handler';
import { FolderIds } from './folder-ids';
import { GetFolderHandler } from './get-folder.handler';
import { MailboxFolders } from './mailbox-folders.service';

const alice = directoryUser('alice@parley.test', 'Alice Archer');
const bob = directoryUser('bob@parley.test', 'Bob Baker');

/** calendar-sync as the bus delivers it: answers the folder-count query as scripted, and records what it was asked. */
class CountingOwner extends CommandBus {
  readonly asked: { topic: string; key: string; payload: unknown }[] = [];
  reply: unknown = { ok: true, value: { calendarItems: 3, tasks: 2 } };

  protected async send(topic: string, envelope: Envelope): Promise<unknown> {
    this.asked.push({ topic, key: envelope.key, payload: envelope.payload });
    if (this.reply instanceof Error) throw this.reply;
    return this.reply;
  }

  isReady(): boolean {
    return true;
  }
}

/** voicemail-ingest's store as the bus delivers it: every message folder empty. */
class EmptyMessageStore extends CommandBus {
  readonly asked: string[] = [];

  protected async send(topic: string): Promise<unknown> {
    this.asked.push(topic);
    const empty = { total: 0, unread: 0, size: 0 };
    return {
      ok: true,
      value: {
        folders: Object.fromEntries(messageViewKinds.map((k) => [k, empty])),
        quota: { used: 0, limit: null },
        lastModifiedAt: null,
      },
    };
  }

  isReady(): boolean {
    return true;
  }
}

const owner = new CountingOwner();
const store = new EmptyMessageStore();
const ids = new FolderIds({ idSecret: 'a-test-secret-that-is-long-enough-0123' });
const calendarClient = new CalendarClient(owner, new FreeBusyCache({ ttlMs: 0, maxEntries: 1, maxEventsPerEntry: 0 }));
const folders = new MailboxFolders(ids, new ActingMailboxResolver({} as never), calendarClient, new MessageClient(store));
const getFolder = new GetFolderHandler(folders);
const findFolder = new FindFolderHandler(folders);

const get = async (inner: string, shape = '<t:BaseShape>Default</t:BaseShape>', as = alice) =>
  bodyXml(
    await getFolder.handle(
      operationContext(`<m:GetFolder><m:FolderShape>${shape}</m:FolderShape><m:FolderIds>${inner}</m:FolderIds></m:GetFolder>`, as),
    ),
  );
const find = async (parent: string, traversal = 'Shallow', view = '', shape = '<t:BaseShape>IdOnly</t:BaseShape>') =>
  bodyXml(
    await findFolder.handle(
      operationContext(
        `<m:FindFolder Traversal="${traversal}"><m:FolderShape>${shape}</m:FolderShape>${view}<m:ParentFolderIds>${parent}</m:ParentFolderIds></m:FindFolder>`,
        alice,
      ),
    ),
  );
const idOf = (mailbox: string, kind: Parameters<FolderIds['identity']>[1]) => ids.identity(mailbox, kind);

describe('folder ids', () => {
  it('are stable, opaque, bound to the mailbox and keyed by the secret', () => {
    const calendar = idOf('alice@parley.test', 'calendar');
    expect(idOf('alice@parley.test', 'calendar')).toEqual(calendar);
    expect(calendar.id).toMatch(/^[A-Za-z0-9+/]{24}$/);
    expect(calendar.id).not.toContain('alice');
    expect(idOf('bob@parley.test', 'calendar').id).not.toBe(calendar.id);
    expect(new FolderIds({ idSecret: 'another-secret-that-is-long-enough-456' }).identity('alice@parley.test', 'calendar').id).not.toBe(
      calendar.id,
    );
    expect(ids.lookup('alice@parley.test', calendar.id)).toEqual({ kind: 'calendar' });
    expect(ids.lookup('bob@parley.test', calendar.id)).toEqual({ error: 'notFound' });
    expect(ids.lookup('alice@parley.test', 'AAMkAGZh')).toEqual({ error: 'malformed' });
    expect(ids.lookup('alice@parley.test', 'not base64!')).toEqual({ error: 'malformed' });
  });
});

beforeEach(() => {
  owner.asked.length = 0;
  owner.reply = { ok: true, value: { calendarItems: 3, tasks: 2 } };
});

describe('GetFolder (golden)', () => {
  it('answers the calendar with the Default shape', async () => {
    const c = idOf('alice@parley.test', 'calendar');
    expect(await get('<t:DistinguishedFolderId Id="calendar"/>')).toBe(
      '<m:GetFolderResponse><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Folders>' +
        `<t:CalendarFolder><t:FolderId Id="${c.id}" ChangeKey="${c.changeKey}"/><t:DisplayName>Calendar</t:DisplayName><t:TotalCount>3</t:TotalCount><t:ChildFolderCount>0</t:ChildFolderCount></t:CalendarFolder>` +
        '</m:Folders></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse>',
    );
  });

  it('answers AllProperties with the parent and class, and derivable extended properties only', async () => {
    const inbox = idOf('alice@parley.test', 'inbox');
    const top = idOf('alice@parley.test', 'msgfolderroot');
    const xml = await get(
      `<t:FolderId Id="${inbox.id}"/>`,
      '<t:BaseShape>AllProperties</t:BaseShape><t:AdditionalProperties><t:ExtendedFieldURI PropertyTag="0x3602" PropertyType="Integer"/><t:ExtendedFieldURI PropertyTag="0x0e08" PropertyType="Integer"/><t:ExtendedFieldURI PropertyTag="0x3613" PropertyType="String"/><t:ExtendedFieldURI DistinguishedPropertySetId="Common" PropertyId="34080" PropertyType="Integer"/></t:AdditionalProperties>',
    );
    expect(xml).toContain(
      `<t:Folder><t:FolderId Id="${inbox.id}" ChangeKey="${inbox.changeKey}"/><t:ParentFolderId Id="${top.id}" ChangeKey="${top.changeKey}"/>` +
        '<t:FolderClass>IPF.Note</t:FolderClass><t:DisplayName>Inbox</t:DisplayName><t:TotalCount>0</t:TotalCount><t:ChildFolderCount>0</t:ChildFolderCount>' +
        '<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x3602" PropertyType="Integer"/><t:Value>0</t:Value></t:ExtendedProperty>' +
        // The Inbox's size comes from the message store; the named property (not derivable) is left out.
        '<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x0e08" PropertyType="Integer"/><t:Value>0</t:Value></t:ExtendedProperty>' +
        '<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x3613" PropertyType="String"/><t:Value>IPF.Note</t:Value></t:ExtendedProperty>' +
        '<t:UnreadCount>0</t:UnreadCount></t:Folder>',
    );
  });

  it('answers IdOnly plus requested fields, and each folder type', async () => {
    const xml = await get(
      '<t:DistinguishedFolderId Id="tasks"/><t:DistinguishedFolderId Id="voicemail"/><t:DistinguishedFolderId Id="contacts"/><t:DistinguishedFolderId Id="msgfolderroot"/>',
      '<t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="folder:DisplayName"/><t:FieldURI FieldURI="folder:ChildFolderCount"/></t:AdditionalProperties>',
    );
    expect(xml).toContain('<t:DisplayName>Tasks</t:DisplayName><t:ChildFolderCount>0</t:ChildFolderCount></t:TasksFolder>');
    expect(xml).toContain('<t:DisplayName>Voice Mail</t:DisplayName><t:ChildFolderCount>0</t:ChildFolderCount></t:SearchFolder>');
    expect(xml).toContain('<t:DisplayName>Contacts</t:DisplayName><t:ChildFolderCount>0</t:ChildFolderCount></t:ContactsFolder>');
    expect(xml).toContain('<t:DisplayName>Top of Information Store</t:DisplayName><t:ChildFolderCount>12</t:ChildFolderCount></t:Folder>');
  });

  it('refuses another mailbox, a foreign or forged id and an unknown folder per item', async () => {
    const bobsCalendar = idOf('bob@parley.test', 'calendar');
    const xml = await get(
      `<t:DistinguishedFolderId Id="inbox"><t:Mailbox><t:EmailAddress>bob@parley.test</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId><t:FolderId Id="${bobsCalendar.id}"/><t:FolderId Id="AQMAAAAAAAAAAAAAAAAAAAAA"/><t:FolderId Id="%%"/><t:DistinguishedFolderId Id="nosuchfolder"/><t:DistinguishedFolderId Id="Inbox"><t:Mailbox><t:EmailAddress>ALICE@parley.test</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>`,
    );
    const codes = [...xml.matchAll(/<m:ResponseCode>(\w+)<\/m:ResponseCode>/g)].map((m) => m[1]);
    expect(codes).toEqual([
      'ErrorAccessDenied',
      'ErrorFolderNotFound',
      'ErrorFolderNotFound',
      'ErrorInvalidIdMalformed',
      'ErrorFolderNotFound',
      'NoError',
    ]);
    // The same id works for its owner.
    expect(await get(`<t:FolderId Id="${bobsCalendar.id}"/>`, undefined, bob)).toContain('<t:DisplayName>Calendar</t:DisplayName>');
  });
});

describe('FindFolder (golden)', () => {
  it('lists the IPM subtree shallowly, contacts included', async () => {
    const xml = await find(
      '<t:DistinguishedFolderId Id="msgfolderroot"/>',
      'Shallow',
      '<m:IndexedPageFolderView MaxEntriesReturned="100" Offset="0" BasePoint="Beginning"/>',
      '<t:BaseShape>Default</t:BaseShape>',
    );
    expect(xml).toContain(
      '<m:FindFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder IndexedPagingOffset="12" TotalItemsInView="12" IncludesLastItemInRange="true"><t:Folders>',
    );
    expect([...xml.matchAll(/<t:DisplayName>([^<]+)</g)].map((m) => m[1])).toEqual([
      'Inbox',
      'Calendar',
      'Contacts',
      'Conversation History',
      'Deleted Items',
      'Drafts',
      'Journal',
      'Junk Email',
      'Notes',
      'Outbox',
      'Sent Items',
      'Tasks',
    ]);
  });

  it('walks the whole tree with Deep traversal and pages it', async () => {
    const deep = await find(
      '<t:DistinguishedFolderId Id="root"/>',
      'Deep',
      '',
      '<t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="folder:DisplayName"/></t:AdditionalProperties>',
    );
    expect([...deep.matchAll(/<t:DisplayName>([^<]+)</g)].map((m) => m[1])).toEqual([
      'Top of Information Store',
      'Inbox',
      'Calendar',
      'Contacts',
      'Conversation History',
      'Deleted Items',
      'Drafts',
      'Journal',
      'Junk Email',
      'Notes',
      'Outbox',
      'Sent Items',
      'Tasks',
      'Voice Mail',
    ]);
    const page = await find(
      '<t:DistinguishedFolderId Id="msgfolderroot"/>',
      'Shallow',
      '<m:IndexedPageFolderView MaxEntriesReturned="3" Offset="2" BasePoint="Beginning"/>',
    );
    expect(page).toContain('<m:RootFolder IndexedPagingOffset="5" TotalItemsInView="12" IncludesLastItemInRange="false">');
    expect(page.match(/<t:FolderId /g)).toHaveLength(3);
    expect(await find('<t:DistinguishedFolderId Id="calendar"/>')).toContain(
      '<m:RootFolder IndexedPagingOffset="0" TotalItemsInView="0" IncludesLastItemInRange="true"><t:Folders/></m:RootFolder>',
    );
  });

  it('refuses a bad traversal or shape as a schema violation', async () => {
    await expect(find('<t:DistinguishedFolderId Id="root"/>', 'Sideways')).rejects.toMatchObject({ responseCode: 'ErrorSchemaValidation' });
    await expect(
      find('<t:DistinguishedFolderId Id="root"/>', 'Shallow', '', '<t:BaseShape>Everything</t:BaseShape>'),
    ).rejects.toMatchObject({ responseCode: 'ErrorSchemaValidation' });
  });

  const NAME =
    '<t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="folder:DisplayName"/></t:AdditionalProperties>';
  const field = (uri: string) => `<t:FieldURI FieldURI="${uri}"/>`;
  const constant = (value: string) => `<t:FieldURIOrConstant><t:Constant Value="${value}"/></t:FieldURIOrConstant>`;
  const restricted = async (restriction: string, parent = 'msgfolderroot', traversal = 'Shallow') =>
    find(`<t:DistinguishedFolderId Id="${parent}"/>`, traversal, `<m:Restriction>${restriction}</m:Restriction>`, NAME);
  const names = (xml: string) => [...xml.matchAll(/<t:DisplayName>([^<]+)</g)].map((m) => m[1]);

  it('applies a restriction before paging (golden)', async () => {
    const xml = await restricted(`<t:IsEqualTo>${field('folder:DisplayName')}${constant('calendar')}</t:IsEqualTo>`);
    expect(xml).toBe(
      '<m:FindFolderResponse><m:ResponseMessages><m:FindFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>' +
        '<m:RootFolder IndexedPagingOffset="1" TotalItemsInView="1" IncludesLastItemInRange="true"><t:Folders>' +
        `<t:CalendarFolder><t:FolderId Id="${idOf('alice@parley.test', 'calendar').id}" ChangeKey="${idOf('alice@parley.test', 'calendar').changeKey}"/><t:DisplayName>Calendar</t:DisplayName></t:CalendarFolder>` +
        '</t:Folders></m:RootFolder></m:FindFolderResponseMessage></m:ResponseMessages></m:FindFolderResponse>',
    );
    const paged = await find(
      '<t:DistinguishedFolderId Id="msgfolderroot"/>',
      'Shallow',
      `<m:IndexedPageFolderView MaxEntriesReturned="2" Offset="0" BasePoint="Beginning"/><m:Restriction><t:IsEqualTo>${field('folder:FolderClass')}${constant('IPF.Note')}</t:IsEqualTo></m:Restriction>`,
      NAME,
    );
    expect(paged).toContain('<m:RootFolder IndexedPagingOffset="2" TotalItemsInView="7" IncludesLastItemInRange="false">');
    expect(names(paged)).toEqual(['Inbox', 'Conversation History']);
  });

  it('combines IsEqualTo, IsNotEqualTo, Contains and Exists with And, Or and Not', async () => {
    expect(names(await restricted(`<t:IsNotEqualTo>${field('folder:FolderClass')}${constant('ipf.note')}</t:IsNotEqualTo>`))).toEqual([
      'Calendar',
      'Contacts',
      'Journal',
      'Notes',
      'Tasks',
    ]);
    expect(
      names(
        await restricted(
          `<t:Contains ContainmentMode="Substring" ContainmentComparison="IgnoreCase">${field('folder:DisplayName')}<t:Constant Value="ITEMS"/></t:Contains>`,
        ),
      ),
    ).toEqual(['Deleted Items', 'Sent Items']);
    expect(
      names(
        await restricted(
          `<t:Contains ContainmentMode="Substring" ContainmentComparison="Exact">${field('folder:DisplayName')}<t:Constant Value="ITEMS"/></t:Contains>`,
        ),
      ),
    ).toEqual([]);
    expect(
      names(
        await restricted(
          `<t:Contains ContainmentMode="PrefixOnWords" ContainmentComparison="IgnoreCase">${field('folder:DisplayName')}<t:Constant Value="it"/></t:Contains>`,
        ),
      ),
    ).toEqual(['Deleted Items', 'Sent Items']);
    expect(
      names(
        await restricted(
          `<t:Contains ContainmentMode="Prefixed" ContainmentComparison="Exact">${field('folder:FolderClass')}<t:Constant Value="IPF.A"/></t:Contains>`,
        ),
      ),
    ).toEqual(['Calendar']);
    expect(names(await restricted(`<t:Contains>${field('folder:DisplayName')}<t:Constant Value="Tasks"/></t:Contains>`))).toEqual([
      'Tasks',
    ]);
    expect(
      names(
        await restricted(
          `<t:Or><t:IsEqualTo>${field('folder:DisplayName')}${constant('Inbox')}</t:IsEqualTo><t:And><t:Exists>${field('folder:FolderClass')}</t:Exists>` +
            `<t:Not><t:IsEqualTo>${field('folder:FolderClass')}${constant('IPF.Note')}</t:IsEqualTo></t:Not></t:And></t:Or>`,
        ),
      ),
    ).toEqual(['Inbox', 'Calendar', 'Contacts', 'Journal', 'Notes', 'Tasks']);
    // The MAPI tags of the same two properties, and a Deep search of the whole tree.
    const tagged = `<t:IsEqualTo><t:ExtendedFieldURI PropertyTag="0x3613" PropertyType="String"/>${constant('IPF.Note')}</t:IsEqualTo>`;
    expect(names(await restricted(tagged, 'root', 'Deep'))).toEqual([
      'Top of Information Store',
      'Inbox',
      'Conversation History',
      'Deleted Items',
      'Drafts',
      'Junk Email',
      'Outbox',
      'Sent Items',
      'Voice Mail',
    ]);
  });

  it('answers a restriction on another property or of another kind per folder, as Exchange does', async () => {
    const path = await restricted(`<t:IsEqualTo>${field('folder:TotalCount')}${constant('0')}</t:IsEqualTo>`);
    expect(path).toBe(
      '<m:FindFolderResponse><m:ResponseMessages><m:FindFolderResponseMessage ResponseClass="Error"><m:MessageText>The property path is not supported for a folder query.</m:MessageText>' +
        '<m:ResponseCode>ErrorUnsupportedPathForQuery</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>' +
        '<m:MessageXml><t:FieldURI FieldURI="folder:TotalCount"/></m:MessageXml></m:FindFolderResponseMessage></m:ResponseMessages></m:FindFolderResponse>',
    );
    expect(await restricted(`<t:Exists><t:ExtendedFieldURI PropertyTag="0x3602" PropertyType="Integer"/></t:Exists>`)).toContain(
      'ErrorUnsupportedPathForQuery',
    );
    expect(await restricted(`<t:IsGreaterThan>${field('folder:DisplayName')}${constant('A')}</t:IsGreaterThan>`)).toContain(
      '<m:ResponseCode>ErrorUnsupportedQueryFilter</m:ResponseCode>',
    );
    expect(await restricted(`<t:Excludes>${field('folder:DisplayName')}<t:Bitmask Value="1"/></t:Excludes>`)).toContain(
      'ErrorUnsupportedQueryFilter',
    );
    expect(
      await restricted(
        `<t:IsEqualTo>${field('folder:DisplayName')}<t:FieldURIOrConstant>${field('folder:FolderClass')}</t:FieldURIOrConstant></t:IsEqualTo>`,
      ),
    ).toContain('ErrorUnsupportedQueryFilter');
    // A parent that cannot be resolved keeps its own error.
    const two = await find(
      '<t:DistinguishedFolderId Id="msgfolderroot"/><t:DistinguishedFolderId Id="nosuchfolder"/>',
      'Shallow',
      `<m:Restriction><t:IsLessThan>${field('folder:DisplayName')}${constant('A')}</t:IsLessThan></m:Restriction>`,
    );
    expect([...two.matchAll(/<m:ResponseCode>(\w+)</g)].map((m) => m[1])).toEqual(['ErrorUnsupportedQueryFilter', 'ErrorFolderNotFound']);
  });

  it.each([
    ['an empty restriction', ''],
    ['an empty And', '<t:And/>'],
    [
      'a Not of two',
      `<t:Not><t:Exists><t:FieldURI FieldURI="folder:DisplayName"/></t:Exists><t:Exists><t:FieldURI FieldURI="folder:FolderClass"/></t:Exists></t:Not>`,
    ],
    ['a comparison without a constant', '<t:IsEqualTo><t:FieldURI FieldURI="folder:DisplayName"/></t:IsEqualTo>'],
    [
      'a bad containment mode',
      '<t:Contains ContainmentMode="Anywhere"><t:FieldURI FieldURI="folder:DisplayName"/><t:Constant Value="a"/></t:Contains>',
    ],
    ['an unknown expression', '<t:Matches><t:FieldURI FieldURI="folder:DisplayName"/></t:Matches>'],
  ])('refuses %s as a schema violation', async (_, restriction) => {
    await expect(restricted(restriction)).rejects.toMatchObject({ responseCode: 'ErrorSchemaValidation' });
  });
});

describe('folder counts (golden)', () => {
  it('fills Calendar and Tasks from one calendar-sync query keyed by the mailbox; others stay 0', async () => {
    const c = idOf('alice@parley.test', 'calendar');
    const t = idOf('alice@parley.test', 'tasks');
    const xml = await get(
      '<t:DistinguishedFolderId Id="calendar"/><t:DistinguishedFolderId Id="tasks"/><t:DistinguishedFolderId Id="inbox"/>',
    );
    expect(owner.asked).toEqual([
      { topic: Topics.calendarFolderCountsGetRequest, key: 'alice@parley.test', payload: { mailbox: 'alice@parley.test' } },
    ]);
    expect(xml).toContain(
      `<t:CalendarFolder><t:FolderId Id="${c.id}" ChangeKey="${c.changeKey}"/><t:DisplayName>Calendar</t:DisplayName><t:TotalCount>3</t:TotalCount><t:ChildFolderCount>0</t:ChildFolderCount></t:CalendarFolder>`,
    );
    expect(xml).toContain(
      `<t:TasksFolder><t:FolderId Id="${t.id}" ChangeKey="${t.changeKey}"/><t:DisplayName>Tasks</t:DisplayName><t:TotalCount>2</t:TotalCount><t:ChildFolderCount>0</t:ChildFolderCount><t:UnreadCount>0</t:UnreadCount></t:TasksFolder>`,
    );
    expect(xml).toContain(
      '<t:DisplayName>Inbox</t:DisplayName><t:TotalCount>0</t:TotalCount><t:ChildFolderCount>0</t:ChildFolderCount><t:UnreadCount>0</t:UnreadCount></t:Folder>',
    );
    // The change key does not follow the counts.
    owner.reply = { ok: true, value: { calendarItems: 4, tasks: 2 } };
    expect(await get('<t:DistinguishedFolderId Id="calendar"/>')).toContain(
      `ChangeKey="${c.changeKey}"/><t:DisplayName>Calendar</t:DisplayName><t:TotalCount>4</t:TotalCount>`,
    );
  });

  it('fills Deleted Items from the same query (0 when an older calendar-sync leaves it out)', async () => {
    owner.reply = { ok: true, value: { calendarItems: 4, tasks: 2, deletedItems: 3 } };
    expect(await get('<t:DistinguishedFolderId Id="deleteditems"/>')).toContain(
      '<t:DisplayName>Deleted Items</t:DisplayName><t:TotalCount>3</t:TotalCount>',
    );
    expect(owner.asked).toHaveLength(1);
    owner.reply = { ok: true, value: { calendarItems: 4, tasks: 2 } };
    expect(await get('<t:DistinguishedFolderId Id="deleteditems"/>')).toContain(
      '<t:DisplayName>Deleted Items</t:DisplayName><t:TotalCount>0</t:TotalCount>',
    );
  });

  it('answers the content count as an extended property, and asks nobody when no count is shown', async () => {
    const xml = await get(
      '<t:DistinguishedFolderId Id="tasks"/>',
      '<t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:ExtendedFieldURI PropertyTag="0x3602" PropertyType="Integer"/></t:AdditionalProperties>',
    );
    expect(xml).toContain(
      '<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x3602" PropertyType="Integer"/><t:Value>2</t:Value></t:ExtendedProperty>',
    );
    expect(owner.asked).toHaveLength(1);
    owner.asked.length = 0;
    await get('<t:DistinguishedFolderId Id="calendar"/><t:DistinguishedFolderId Id="tasks"/>', '<t:BaseShape>IdOnly</t:BaseShape>');
    await get('<t:DistinguishedFolderId Id="inbox"/><t:DistinguishedFolderId Id="msgfolderroot"/>');
    await find('<t:DistinguishedFolderId Id="msgfolderroot"/>');
    expect(owner.asked).toEqual([]);
  });

  it('lists counts with one query for the whole FindFolder, child folder counts from the tree', async () => {
    const xml = await find(
      '<t:DistinguishedFolderId Id="root"/><t:DistinguishedFolderId Id="msgfolderroot"/>',
      'Deep',
      '',
      '<t:BaseShape>Default</t:BaseShape>',
    );
    expect(owner.asked).toHaveLength(1);
    expect(xml).toContain(
      '<t:DisplayName>Top of Information Store</t:DisplayName><t:TotalCount>0</t:TotalCount><t:ChildFolderCount>12</t:ChildFolderCount><t:UnreadCount>0</t:UnreadCount></t:Folder>',
    );
    expect(
      xml.match(
        /<t:DisplayName>Calendar<\/t:DisplayName><t:TotalCount>3<\/t:TotalCount><t:ChildFolderCount>0<\/t:ChildFolderCount><\/t:CalendarFolder>/g,
      ),
    ).toHaveLength(2);
    expect(
      xml.match(
        /<t:DisplayName>Tasks<\/t:DisplayName><t:TotalCount>2<\/t:TotalCount><t:ChildFolderCount>0<\/t:ChildFolderCount><t:UnreadCount>0<\/t:UnreadCount><\/t:TasksFolder>/g,
      ),
    ).toHaveLength(2);
    // A page without Calendar or Tasks needs no query.
    owner.asked.length = 0;
    await find(
      '<t:DistinguishedFolderId Id="msgfolderroot"/>',
      'Shallow',
      '<m:IndexedPageFolderView MaxEntriesReturned="1" Offset="0" BasePoint="Beginning"/>',
      '<t:BaseShape>Default</t:BaseShape>',
    );
    expect(owner.asked).toEqual([]);
  });

  it('answers ErrorServerBusy for the folders that needed counts when calendar-sync times out', async () => {
    owner.reply = new CommandTimeoutError(Topics.calendarFolderCountsGetRequest, 5000);
    const xml = await get('<t:DistinguishedFolderId Id="calendar"/><t:DistinguishedFolderId Id="inbox"/>');
    expect([...xml.matchAll(/<m:ResponseCode>(\w+)<\/m:ResponseCode>/g)].map((m) => m[1])).toEqual(['ErrorServerBusy', 'NoError']);
    expect(xml).toContain('<t:DisplayName>Inbox</t:DisplayName>');
    const listing = await find(
      '<t:DistinguishedFolderId Id="msgfolderroot"/><t:DistinguishedFolderId Id="calendar"/>',
      'Shallow',
      '',
      '<t:BaseShape>Default</t:BaseShape>',
    );
    expect([...listing.matchAll(/<m:ResponseCode>(\w+)<\/m:ResponseCode>/g)].map((m) => m[1])).toEqual(['ErrorServerBusy', 'NoError']);
  });

  it('never uses a reply that breaks the contract', async () => {
    owner.reply = { ok: true, value: { calendarItems: -1, tasks: 2 } };
    await expect(get('<t:DistinguishedFolderId Id="calendar"/>')).rejects.toMatchObject({ name: 'InvalidReplyError' });
  });
});
