import { bodyXml, directoryUser, operationContext } from '../../../test/ews-operation-fixtures';
import { ConvertIdHandler } from './convert-id.handler';
import { fromEwsId, idFormats, toEwsId } from './id-formats';

const alice = directoryUser('alice@parley.test', 'Alice Archer');
const folderId = 'AQOq0l0XWq7cFpJf3Ek1YFgE';
const itemId = 'AcJ9c2lk-_Zx4b8yQ0Lm1q2w3e4r5t6y7u8i9o0p';

const convert = async (destination: string, sources: string) =>
  bodyXml(
    await new ConvertIdHandler().handle(
      operationContext(`<m:ConvertId DestinationFormat="${destination}"><m:SourceIds>${sources}</m:SourceIds></m:ConvertId>`, alice),
    ),
  );

describe('id formats', () => {
  it.each(idFormats.map((f) => [f]))('round-trips folder and item ids through %s', (format) => {
    for (const id of [folderId, itemId]) {
      const converted = fromEwsId(format, id);
      expect(toEwsId(format, converted)).toBe(id);
      for (const other of idFormats) expect(toEwsId(other, fromEwsId(other, toEwsId(format, converted) as string))).toBe(id);
    }
  });

  it('spells HexEntryId as the upper-case hex of EntryId', () => {
    expect(fromEwsId('HexEntryId', folderId)).toBe(Buffer.from(fromEwsId('EntryId', folderId), 'base64').toString('hex').toUpperCase());
    expect(fromEwsId('HexEntryId', folderId)).toMatch(/^000000008E1F2A5C/);
  });

  it.each([
    ['EwsId', 'dummy'],
    ['EwsId', 'not an id at all'],
    ['HexEntryId', '00'],
    ['HexEntryId', 'XYZ'],
    ['EntryId', 'AAAAAA=='],
    ['StoreId', '%%%'],
    ['OwaId', '%E0%A4%A'],
    ['EwsLegacyId', fromEwsId('EntryId', folderId)],
  ] as const)('refuses %s %s', (format, id) => {
    expect(toEwsId(format, id)).toBeUndefined();
  });
});

describe('ConvertId (golden)', () => {
  it('converts an EwsId to HexEntryId with the mailbox echoed and the AlternateIdType', async () => {
    expect(await convert('HexEntryId', `<t:AlternateId Format="EwsId" Id="${folderId}" Mailbox="alice@parley.test"/>`)).toBe(
      '<m:ConvertIdResponse><m:ResponseMessages><m:ConvertIdResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>' +
        `<m:AlternateId xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="t:AlternateIdType" Format="HexEntryId" Id="${fromEwsId('HexEntryId', folderId)}" Mailbox="alice@parley.test"/>` +
        '</m:ConvertIdResponseMessage></m:ResponseMessages></m:ConvertIdResponse>',
    );
  });

  it('answers each id on its own: malformed ids, public folder ids and a missing mailbox', async () => {
    const xml = await convert(
      'EwsId',
      `<t:AlternateId Format="HexEntryId" Id="00" Mailbox="alice@parley.test"/><t:AlternatePublicFolderId Format="EwsId" FolderId="${folderId}"/><t:AlternateId Format="OwaId" Id="${fromEwsId('OwaId', itemId)}" Mailbox=""/>`,
    );
    expect(xml).toContain(
      '<m:ConvertIdResponseMessage ResponseClass="Error"><m:MessageText>Id is malformed.</m:MessageText><m:ResponseCode>ErrorInvalidIdMalformed</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:ConvertIdResponseMessage>',
    );
    expect(xml.match(/ErrorInvalidIdMalformed<\/m:ResponseCode>/g)).toHaveLength(2);
    expect(xml).toContain(`Format="EwsId" Id="${itemId}" Mailbox="alice@parley.test"/>`);
  });

  it('refuses an unknown format as a schema violation', async () => {
    await expect(convert('Base64', `<t:AlternateId Format="EwsId" Id="${folderId}" Mailbox="a@b.c"/>`)).rejects.toMatchObject({
      responseCode: 'ErrorSchemaValidation',
    });
    await expect(convert('EwsId', `<t:AlternateId Format="Other" Id="${folderId}" Mailbox="a@b.c"/>`)).rejects.toMatchObject({
      responseCode: 'ErrorSchemaValidation',
    });
  });
});
