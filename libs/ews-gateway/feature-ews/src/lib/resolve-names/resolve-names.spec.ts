import type { DirectoryRepository, DirectoryUser } from '@parley/directory';
import { bodyXml, directoryUser, operationContext } from '../test-context';
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
    return this.users.filter((u) => u.smtpAddress.startsWith(p) || u.displayName.toLowerCase().split(' ').some((w) => w.startsWith(p))).slice(0, limit);
  }
}

async function resolve(request: string, users = [alice, albert, bob]) {
  const directory = new FakeDirectory(users);
  const handler = new ResolveNamesHandler(directory as unknown as DirectoryRepository);
  return { xml: bodyXml(await handler.handle(operationContext(request, alice))), directory };
}

describe('ResolveNames (golden)', () => {
  it('resolves one mailbox with full contact data (documented shape)', async () => {
    const { xml } = await resolve('<m:ResolveNames ReturnFullContactData="true"><m:UnresolvedEntry>alic</m:UnresolvedEntry></m:ResolveNames>');
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
    const { xml } = await resolve('<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>Baker</m:UnresolvedEntry></m:ResolveNames>');
    expect(xml).toContain('<t:Resolution><t:Mailbox><t:Name>Bob Baker</t:Name><t:EmailAddress>bob@parley.test</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox></t:Resolution>');
    expect(xml).not.toContain('<t:Contact>');
  });

  it('answers several candidates as a Warning carrying all of them', async () => {
    const { xml } = await resolve('<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>al</m:UnresolvedEntry></m:ResolveNames>');
    expect(xml).toContain(
      '<m:ResolveNamesResponseMessage ResponseClass="Warning"><m:MessageText>Multiple results were found.</m:MessageText><m:ResponseCode>ErrorNameResolutionMultipleResults</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:ResolutionSet TotalItemsInView="2" IncludesLastItemInRange="true">',
    );
    expect(xml.match(/<t:Resolution>/g)).toHaveLength(2);
  });

  it('answers no match with ErrorNameResolutionNoResults', async () => {
    const { xml } = await resolve('<m:ResolveNames ReturnFullContactData="true"><m:UnresolvedEntry>zed</m:UnresolvedEntry></m:ResolveNames>');
    expect(xml).toBe(
      '<m:ResolveNamesResponse><m:ResponseMessages><m:ResolveNamesResponseMessage ResponseClass="Error"><m:MessageText>No results were found.</m:MessageText><m:ResponseCode>ErrorNameResolutionNoResults</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:ResolveNamesResponseMessage></m:ResponseMessages></m:ResolveNamesResponse>',
    );
  });

  it('resolves an SMTP:-prefixed entry to that exact address only', async () => {
    const exact = await resolve('<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>SMTP:ALICE@parley.test</m:UnresolvedEntry></m:ResolveNames>');
    expect(exact.xml).toContain('ResponseClass="Success"');
    expect(exact.xml).toContain('<t:EmailAddress>alice@parley.test</t:EmailAddress>');
    expect(exact.directory.searches).toEqual([]);
    const prefixOnly = await resolve('<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>smtp:al</m:UnresolvedEntry></m:ResolveNames>');
    expect(prefixOnly.xml).toContain('ErrorNameResolutionNoResults');
  });

  it('finds nothing in the (empty) personal contacts scope', async () => {
    const { xml } = await resolve('<m:ResolveNames ReturnFullContactData="false" SearchScope="Contacts"><m:UnresolvedEntry>alice</m:UnresolvedEntry></m:ResolveNames>');
    expect(xml).toContain('ErrorNameResolutionNoResults');
  });

  it('bounds the lookup and says when the set is incomplete', async () => {
    const many = Array.from({ length: MAX_RESOLUTIONS + 5 }, (_, i) => directoryUser(`user${String(i).padStart(3, '0')}@parley.test`, `User ${i}`));
    const { xml, directory } = await resolve('<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>user</m:UnresolvedEntry></m:ResolveNames>', many);
    expect(directory.searches).toEqual([['user', MAX_RESOLUTIONS + 1]]);
    expect(xml).toContain(`<m:ResolutionSet TotalItemsInView="${MAX_RESOLUTIONS}" IncludesLastItemInRange="false">`);
  });

  it.each([
    ['a missing entry', '<m:ResolveNames ReturnFullContactData="true"/>'],
    ['an empty entry', '<m:ResolveNames ReturnFullContactData="true"><m:UnresolvedEntry> </m:UnresolvedEntry></m:ResolveNames>'],
    ['a bad scope', '<m:ResolveNames ReturnFullContactData="true" SearchScope="Everywhere"><m:UnresolvedEntry>a</m:UnresolvedEntry></m:ResolveNames>'],
    ['a bad boolean', '<m:ResolveNames ReturnFullContactData="yes"><m:UnresolvedEntry>a</m:UnresolvedEntry></m:ResolveNames>'],
  ])('refuses %s as a schema violation', async (_, request) => {
    await expect(resolve(request)).rejects.toMatchObject({ responseCode: 'ErrorSchemaValidation' });
  });
});
