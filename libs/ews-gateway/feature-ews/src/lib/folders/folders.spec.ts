import { ActingMailboxResolver } from '@parley/ews-gateway/auth';
import type { DirectoryRepository } from '@parley/directory';
import { bodyXml, directoryUser, operationContext } from '../test-context';
import { FindFolderHandler } from './find-folder.handler';
import { FolderIds } from './folder-ids';
import { GetFolderHandler } from './get-folder.handler';
import { MailboxFolders } from './mailbox-folders.service';

const alice = directoryUser('alice@parley.test', 'Alice Archer');
const bob = directoryUser('bob@parley.test', 'Bob Baker');
const ids = new FolderIds({ idSecret: 'a-test-secret-that-is-long-enough-0123' });
const folders = new MailboxFolders(ids, new ActingMailboxResolver({} as DirectoryRepository));
const getFolder = new GetFolderHandler(folders);
const findFolder = new FindFolderHandler(folders);

const get = async (inner: string, shape = '<t:BaseShape>Default</t:BaseShape>', as = alice) =>
  bodyXml(await getFolder.handle(operationContext(`<m:GetFolder><m:FolderShape>${shape}</m:FolderShape><m:FolderIds>${inner}</m:FolderIds></m:GetFolder>`, as)));
const find = async (parent: string, traversal = 'Shallow', view = '', shape = '<t:BaseShape>IdOnly</t:BaseShape>') =>
  bodyXml(await findFolder.handle(operationContext(`<m:FindFolder Traversal="${traversal}"><m:FolderShape>${shape}</m:FolderShape>${view}<m:ParentFolderIds>${parent}</m:ParentFolderIds></m:FindFolder>`, alice)));
const idOf = (mailbox: string, kind: Parameters<FolderIds['identity']>[1]) => ids.identity(mailbox, kind);

describe('folder ids', () => {
  it('are stable, opaque, bound to the mailbox and keyed by the secret', () => {
    const calendar = idOf('alice@parley.test', 'calendar');
    expect(idOf('alice@parley.test', 'calendar')).toEqual(calendar);
    expect(calendar.id).toMatch(/^[A-Za-z0-9+/]{24}$/);
    expect(calendar.id).not.toContain('alice');
    expect(idOf('bob@parley.test', 'calendar').id).not.toBe(calendar.id);
    expect(new FolderIds({ idSecret: 'another-secret-that-is-long-enough-456' }).identity('alice@parley.test', 'calendar').id).not.toBe(calendar.id);
    expect(ids.lookup('alice@parley.test', calendar.id)).toEqual({ kind: 'calendar' });
    expect(ids.lookup('bob@parley.test', calendar.id)).toEqual({ error: 'notFound' });
    expect(ids.lookup('alice@parley.test', 'AAMkAGZh')).toEqual({ error: 'malformed' });
    expect(ids.lookup('alice@parley.test', 'not base64!')).toEqual({ error: 'malformed' });
  });
});

describe('GetFolder (golden)', () => {
  it('answers the calendar with the Default shape', async () => {
    const c = idOf('alice@parley.test', 'calendar');
    expect(await get('<t:DistinguishedFolderId Id="calendar"/>')).toBe(
      '<m:GetFolderResponse><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Folders>' +
        `<t:CalendarFolder><t:FolderId Id="${c.id}" ChangeKey="${c.changeKey}"/><t:DisplayName>Calendar</t:DisplayName><t:TotalCount>0</t:TotalCount><t:ChildFolderCount>0</t:ChildFolderCount></t:CalendarFolder>` +
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
    expect(xml).toContain('<t:DisplayName>Top of Information Store</t:DisplayName><t:ChildFolderCount>7</t:ChildFolderCount></t:Folder>');
  });

  it('refuses another mailbox, a foreign or forged id and an unknown folder per item', async () => {
    const bobsCalendar = idOf('bob@parley.test', 'calendar');
    const xml = await get(
      `<t:DistinguishedFolderId Id="inbox"><t:Mailbox><t:EmailAddress>bob@parley.test</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId><t:FolderId Id="${bobsCalendar.id}"/><t:FolderId Id="AQMAAAAAAAAAAAAAAAAAAAAA"/><t:FolderId Id="%%"/><t:DistinguishedFolderId Id="journal"/><t:DistinguishedFolderId Id="Inbox"><t:Mailbox><t:EmailAddress>ALICE@parley.test</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>`,
    );
    const codes = [...xml.matchAll(/<m:ResponseCode>(\w+)<\/m:ResponseCode>/g)].map((m) => m[1]);
    expect(codes).toEqual(['ErrorAccessDenied', 'ErrorFolderNotFound', 'ErrorFolderNotFound', 'ErrorInvalidIdMalformed', 'ErrorFolderNotFound', 'NoError']);
    // The same id works for its owner.
    expect(await get(`<t:FolderId Id="${bobsCalendar.id}"/>`, undefined, bob)).toContain('<t:DisplayName>Calendar</t:DisplayName>');
  });
});

describe('FindFolder (golden)', () => {
  it('lists the IPM subtree shallowly, contacts included', async () => {
    const xml = await find('<t:DistinguishedFolderId Id="msgfolderroot"/>', 'Shallow', '<m:IndexedPageFolderView MaxEntriesReturned="100" Offset="0" BasePoint="Beginning"/>', '<t:BaseShape>Default</t:BaseShape>');
    expect(xml).toContain('<m:FindFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder IndexedPagingOffset="7" TotalItemsInView="7" IncludesLastItemInRange="true"><t:Folders>');
    expect([...xml.matchAll(/<t:DisplayName>([^<]+)</g)].map((m) => m[1])).toEqual(['Inbox', 'Calendar', 'Contacts', 'Deleted Items', 'Drafts', 'Sent Items', 'Tasks']);
  });

  it('walks the whole tree with Deep traversal and pages it', async () => {
    const deep = await find('<t:DistinguishedFolderId Id="root"/>', 'Deep', '', '<t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="folder:DisplayName"/></t:AdditionalProperties>');
    expect([...deep.matchAll(/<t:DisplayName>([^<]+)</g)].map((m) => m[1])).toEqual(['Top of Information Store', 'Inbox', 'Calendar', 'Contacts', 'Deleted Items', 'Drafts', 'Sent Items', 'Tasks', 'Voice Mail']);
    const page = await find('<t:DistinguishedFolderId Id="msgfolderroot"/>', 'Shallow', '<m:IndexedPageFolderView MaxEntriesReturned="3" Offset="2" BasePoint="Beginning"/>');
    expect(page).toContain('<m:RootFolder IndexedPagingOffset="5" TotalItemsInView="7" IncludesLastItemInRange="false">');
    expect(page.match(/<t:FolderId /g)).toHaveLength(3);
    expect(await find('<t:DistinguishedFolderId Id="calendar"/>')).toContain('<m:RootFolder IndexedPagingOffset="0" TotalItemsInView="0" IncludesLastItemInRange="true"><t:Folders/></m:RootFolder>');
  });

  it('refuses a bad traversal or shape as a schema violation', async () => {
    await expect(find('<t:DistinguishedFolderId Id="root"/>', 'Sideways')).rejects.toMatchObject({ responseCode: 'ErrorSchemaValidation' });
    await expect(find('<t:DistinguishedFolderId Id="root"/>', 'Shallow', '', '<t:BaseShape>Everything</t:BaseShape>')).rejects.toMatchObject({ responseCode: 'ErrorSchemaValidation' });
  });
});
