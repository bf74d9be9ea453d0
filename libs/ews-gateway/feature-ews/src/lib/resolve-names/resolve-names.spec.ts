import { ActingMailboxResolver } from '@parley/ews-gateway/auth';
import type { DirectoryRepository, DirectoryUser } from '@parley/directory';
import { FolderIds } from '../folders/folder-ids';
import { MailboxFolders } from '../folders/mailbox-folders.service';
import type { MessageClient } from '../messages/message.client';
import type { CalendarClient } from '../calendar/calendar.client';
import { bodyXml, directoryUser, operationContext } from '../../../test/ews-operation-fixtures';
import { MAX_RESOLUTIONS, ResolveNamesHandler } from './resolve-names.handler';

const alice = directoryUser('alice@parley.test', 'Alice Archer', { phoneExtension: '1001' });
const albert = directoryUser('albert@parley.test', 'Albert Ash');
const bob = directoryUser('bob@parley.test', 'Bob Baker', { sipUri: null });

class FakeDirectory {
  searches: Array<[string, number]> = [];
  constructor(private readonly users: DirectoryUser[]) {}
  async findByAddress(address: string) {
    return this.users.find((u) => u.smtpAddress === address.toLowerCase()) ?? null;
  }
  async search(prefix: string, limit: number) {
    this.searches.push([prefix, limit]);
    const p = prefix.toLowerCase();
    return this.users
      .filter(
        (u) =>
          u.smtpAddress.startsWith(p) ||
          u.displayName
            .toLowerCase()
            .split(' ')
            .some((w) => w.startsWith(p)),
      )
      .slice(0, limit);
  }
}

const ids = new FolderIds({ idSecret: 'a-test-secret-that-is-long-enough-0123' });
// ResolveNames only resolves folder ids: calendar-sync is never asked for counts.
const folders = new MailboxFolders(ids, new ActingMailboxResolver({} as never), {} as CalendarClient, {} as MessageClient);

async function resolve(request: string, users = [alice, albert, bob]) {
  const directory = new FakeDirectory(users);
  const handler = new ResolveNamesHandler(directory as unknown as DirectoryRepository, folders);
  return { xml: bodyXml(await handler.handle(operationContext(request, alice))), directory };
}

describe('ResolveNames (golden)', () => {
  it('resolves one mailbox with full contact data (documented shape)', async () => {
    const { xml } = await resolve(
      '<m:ResolveNames ReturnFullContactData="true"><m:UnresolvedEntry>alic</m:UnresolvedEntry></m:ResolveNames>',
    );
    expect(xml).toBe(
      '<m:ResolveNamesResponse><m:ResponseMessages><m:ResolveNamesResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>' +
        '<m:ResolutionSet TotalItemsInView="1" IncludesLastItemInRange="true"><t:Resolution>' +
        '<t:Mailbox><t:Name>Alice Archer</t:Name><t:EmailAddress>alice@parley.test</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox>' +
        '<t:Contact><t:DisplayName>Alice Archer</t:DisplayName><t:EmailAddresses><t:Entry Key="EmailAddress1">SMTP:alice@parley.test</t:Entry></t:EmailAddresses>' +
        '<t:PhoneNumbers><t:Entry Key="BusinessPhone">1001</t:Entry></t:PhoneNumbers><t:ContactSource>ActiveDirectory</t:ContactSource>' +
        '<t:ImAddresses><t:Entry Key="ImAddress1">sip:alice@parley.test</t:Entry></t:ImAddresses></t:Contact>' +
        '</t:Resolution></m:ResolutionSet></m:ResolveNamesResponseMessage></m:ResponseMessages></m:ResolveNamesResponse>',
    );
  });

  it('leaves the contact out without ReturnFullContactData', async () => {
    const { xml } = await resolve(
      '<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>Baker</m:UnresolvedEntry></m:ResolveNames>',
    );
    expect(xml).toContain(
      '<t:Resolution><t:Mailbox><t:Name>Bob Baker</t:Name><t:EmailAddress>bob@parley.test</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox></t:Resolution>',
    );
    expect(xml).not.toContain('<t:Contact>');
  });

  it('answers several candidates as a Warning carrying all of them', async () => {
    const { xml } = await resolve(
      '<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>al</m:UnresolvedEntry></m:ResolveNames>',
    );
    expect(xml).toContain(
      '<m:ResolveNamesResponseMessage ResponseClass="Warning"><m:MessageText>Multiple results were found.</m:MessageText><m:ResponseCode>ErrorNameResolutionMultipleResults</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:ResolutionSet TotalItemsInView="2" IncludesLastItemInRange="true">',
    );
    expect(xml.match(/<t:Resolution>/g)).toHaveLength(2);
  });

  it('answers no match with ErrorNameResolutionNoResults', async () => {
    const { xml } = await resolve(
      '<m:ResolveNames ReturnFullContactData="true"><m:UnresolvedEntry>zed</m:UnresolvedEntry></m:ResolveNames>',
    );
    expect(xml).toBe(
      '<m:ResolveNamesResponse><m:ResponseMessages><m:ResolveNamesResponseMessage ResponseClass="Error"><m:MessageText>No results were found.</m:MessageText><m:ResponseCode>ErrorNameResolutionNoResults</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:ResolveNamesResponseMessage></m:ResponseMessages></m:ResolveNamesResponse>',
    );
  });

  it('resolves an SMTP:-prefixed entry to that exact address only', async () => {
    const exact = await resolve(
      '<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>SMTP:ALICE@parley.test</m:UnresolvedEntry></m:ResolveNames>',
    );
    expect(exact.xml).toContain('ResponseClass="Success"');
    expect(exact.xml).toContain('<t:EmailAddress>alice@parley.test</t:EmailAddress>');
    expect(exact.directory.searches).toEqual([]);
    const prefixOnly = await resolve(
      '<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>smtp:al</m:UnresolvedEntry></m:ResolveNames>',
    );
    expect(prefixOnly.xml).toContain('ErrorNameResolutionNoResults');
  });

  it('finds nothing in the (empty) personal contacts scope', async () => {
    const { xml } = await resolve(
      '<m:ResolveNames ReturnFullContactData="false" SearchScope="Contacts"><m:UnresolvedEntry>alice</m:UnresolvedEntry></m:ResolveNames>',
    );
    expect(xml).toContain('ErrorNameResolutionNoResults');
  });

  const RESOLUTION_START = '<m:ResolutionSet TotalItemsInView="1" IncludesLastItemInRange="true"><t:Resolution>';
  const ALICE_MAILBOX =
    '<t:Mailbox><t:Name>Alice Archer</t:Name><t:EmailAddress>alice@parley.test</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox>';
  const ALICE_CONTACT =
    '<t:Contact><t:DisplayName>Alice Archer</t:DisplayName><t:EmailAddresses><t:Entry Key="EmailAddress1">SMTP:alice@parley.test</t:Entry></t:EmailAddresses>' +
    '<t:PhoneNumbers><t:Entry Key="BusinessPhone">1001</t:Entry></t:PhoneNumbers><t:ContactSource>ActiveDirectory</t:ContactSource>' +
    '<t:ImAddresses><t:Entry Key="ImAddress1">sip:alice@parley.test</t:Entry></t:ImAddresses></t:Contact>';
  const success = (resolution: string) =>
    '<m:ResolveNamesResponse><m:ResponseMessages><m:ResolveNamesResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>' +
    `${RESOLUTION_START}${resolution}</t:Resolution></m:ResolutionSet></m:ResolveNamesResponseMessage></m:ResponseMessages></m:ResolveNamesResponse>`;
  const error = (code: string, text: string) =>
    `<m:ResolveNamesResponse><m:ResponseMessages><m:ResolveNamesResponseMessage ResponseClass="Error"><m:MessageText>${text}</m:MessageText><m:ResponseCode>${code}</m:ResponseCode>` +
    '<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:ResolveNamesResponseMessage></m:ResponseMessages></m:ResolveNamesResponse>';

  it.each([
    ['IdOnly', ALICE_MAILBOX + '<t:Contact/>'],
    ['Default', ALICE_MAILBOX + ALICE_CONTACT],
    ['AllProperties', ALICE_MAILBOX + ALICE_CONTACT],
  ])('writes the contact in ContactDataShape %s', async (shape, resolution) => {
    const { xml } = await resolve(
      `<m:ResolveNames ReturnFullContactData="true" ContactDataShape="${shape}"><m:UnresolvedEntry>alic</m:UnresolvedEntry></m:ResolveNames>`,
    );
    expect(xml).toBe(success(resolution));
  });

  it('writes no contact without ReturnFullContactData, whatever the ContactDataShape', async () => {
    const { xml } = await resolve(
      '<m:ResolveNames ReturnFullContactData="false" ContactDataShape="AllProperties"><m:UnresolvedEntry>alic</m:UnresolvedEntry></m:ResolveNames>',
    );
    expect(xml).toBe(success(ALICE_MAILBOX));
  });

  it.each(['ActiveDirectory', 'ActiveDirectoryContacts', 'ContactsActiveDirectory'])(
    'searches the directory in scope %s',
    async (scope) => {
      const { xml } = await resolve(
        `<m:ResolveNames ReturnFullContactData="false" SearchScope="${scope}"><m:UnresolvedEntry>alic</m:UnresolvedEntry></m:ResolveNames>`,
      );
      expect(xml).toBe(success(ALICE_MAILBOX));
    },
  );

  it('answers the (empty) Contacts scope with no results (golden)', async () => {
    const { xml, directory } = await resolve(
      '<m:ResolveNames ReturnFullContactData="true" SearchScope="Contacts"><m:UnresolvedEntry>alic</m:UnresolvedEntry></m:ResolveNames>',
    );
    expect(xml).toBe(error('ErrorNameResolutionNoResults', 'No results were found.'));
    expect(directory.searches).toEqual([]);
  });

  it('accepts the Contacts folder as ParentFolderIds, by name or by id', async () => {
    const byName = '<m:ParentFolderIds><t:DistinguishedFolderId Id="contacts"/></m:ParentFolderIds>';
    const byId = `<m:ParentFolderIds><t:FolderId Id="${ids.identity('alice@parley.test', 'contacts').id}"/></m:ParentFolderIds>`;
    for (const parents of [byName, byId]) {
      const found = await resolve(
        `<m:ResolveNames ReturnFullContactData="false" SearchScope="ActiveDirectoryContacts">${parents}<m:UnresolvedEntry>alic</m:UnresolvedEntry></m:ResolveNames>`,
      );
      expect(found.xml).toBe(success(ALICE_MAILBOX));
      const contactsOnly = await resolve(
        `<m:ResolveNames ReturnFullContactData="false" SearchScope="Contacts">${parents}<m:UnresolvedEntry>alic</m:UnresolvedEntry></m:ResolveNames>`,
      );
      expect(contactsOnly.xml).toContain('ErrorNameResolutionNoResults');
    }
  });

  it('refuses ParentFolderIds naming another folder, several folders or an unknown one (golden)', async () => {
    const ask = (parents: string) =>
      resolve(
        `<m:ResolveNames ReturnFullContactData="false"><m:ParentFolderIds>${parents}</m:ParentFolderIds><m:UnresolvedEntry>alic</m:UnresolvedEntry></m:ResolveNames>`,
      );
    const calendar = await ask('<t:DistinguishedFolderId Id="calendar"/>');
    expect(calendar.xml).toBe(error('ErrorInvalidFolderId', 'The folder is not a contacts folder.'));
    expect(calendar.directory.searches).toEqual([]);
    expect((await ask(`<t:FolderId Id="${ids.identity('alice@parley.test', 'inbox').id}"/>`)).xml).toContain(
      '<m:ResponseCode>ErrorInvalidFolderId</m:ResponseCode>',
    );
    expect((await ask('<t:DistinguishedFolderId Id="contacts"/><t:DistinguishedFolderId Id="contacts"/>')).xml).toBe(
      error('ErrorInvalidFolderId', 'ResolveNames searches a single contacts folder.'),
    );
    expect((await ask(`<t:FolderId Id="${ids.identity('bob@parley.test', 'contacts').id}"/>`)).xml).toContain(
      '<m:ResponseCode>ErrorFolderNotFound</m:ResponseCode>',
    );
    expect((await ask('<t:DistinguishedFolderId Id="nosuchfolder"/>')).xml).toContain(
      '<m:ResponseCode>ErrorFolderNotFound</m:ResponseCode>',
    );
  });

  it('bounds the lookup and says when the set is incomplete', async () => {
    const many = Array.from({ length: MAX_RESOLUTIONS + 5 }, (_, i) =>
      directoryUser(`user${String(i).padStart(3, '0')}@parley.test`, `User ${i}`),
    );
    const { xml, directory } = await resolve(
      '<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>user</m:UnresolvedEntry></m:ResolveNames>',
      many,
    );
    expect(directory.searches).toEqual([['user', MAX_RESOLUTIONS + 1]]);
    expect(xml).toContain(`<m:ResolutionSet TotalItemsInView="${MAX_RESOLUTIONS}" IncludesLastItemInRange="false">`);
  });

  it.each([
    ['a missing entry', '<m:ResolveNames ReturnFullContactData="true"/>'],
    ['an empty entry', '<m:ResolveNames ReturnFullContactData="true"><m:UnresolvedEntry> </m:UnresolvedEntry></m:ResolveNames>'],
    [
      'a bad scope',
      '<m:ResolveNames ReturnFullContactData="true" SearchScope="Everywhere"><m:UnresolvedEntry>a</m:UnresolvedEntry></m:ResolveNames>',
    ],
    ['a bad boolean', '<m:ResolveNames ReturnFullContactData="yes"><m:UnresolvedEntry>a</m:UnresolvedEntry></m:ResolveNames>'],
    [
      'a bad contact shape',
      '<m:ResolveNames ReturnFullContactData="true" ContactDataShape="Everything"><m:UnresolvedEntry>a</m:UnresolvedEntry></m:ResolveNames>',
    ],
    [
      'empty ParentFolderIds',
      '<m:ResolveNames ReturnFullContactData="true"><m:ParentFolderIds/><m:UnresolvedEntry>a</m:UnresolvedEntry></m:ResolveNames>',
    ],
  ])('refuses %s as a schema violation', async (_, request) => {
    await expect(resolve(request)).rejects.toMatchObject({ responseCode: 'ErrorSchemaValidation' });
  });
});
