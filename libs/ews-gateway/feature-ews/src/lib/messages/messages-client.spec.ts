// A real EWS client (ews-javascript-api, a port of Microsoft's EWS Managed API) against the gateway's
// HTTP endpoint wired to a fake message store that answers the mailbox contracts: the flows a mail
// client runs on the Inbox and the voicemail folder must work from its side of the wire.
import { restoreUtilForEwsClient } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { directoryUser } from '../../../test/ews-operation-fixtures';
import { FakeMessageStore } from '../../../test/fake-message-store';
import { ewsEndpoint, messageGateway } from '../../../test/message-gateway';

restoreUtilForEwsClient();

const alice = directoryUser('alice@parley.test', 'Alice Archer');
const store = new FakeMessageStore();
let server: Server;
let url: string;

beforeAll(async () => {
  const endpoint = ewsEndpoint(alice, messageGateway(store).handlers);
  server = createServer((req, res) => void endpoint.post(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/EWS/Exchange.asmx`;
  // The client's requests go over real HTTP (Node's fetch) to the endpoint above.
  ews.ConfigurationApi.ConfigureXHR({
    apiName: 'node-fetch',
    xhr: async (options) => {
      const response = await fetch(String(options.url), {
        method: options.type ?? 'POST',
        headers: options.headers as Record<string, string>,
        body: options.data as string,
      });
      const body = await response.text();
      return {
        status: response.status,
        responseText: body,
        response: body,
        getAllResponseHeaders: () => [...response.headers].map(([k, v]) => `${k}: ${v}`).join('\r\n'),
        getResponseHeader: (name: string) => response.headers.get(name),
      } as unknown as Parameters<typeof ews.ConfigurationApi.ConfigureXHR>[0] extends { xhr: (o: never) => Promise<infer R> } ? R : never;
    },
    xhrStream: async () => {
      throw new Error('not used');
    },
    disconnect: () => undefined,
  });
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function client(): ews.ExchangeService {
  const svc = new ews.ExchangeService(ews.ExchangeVersion.Exchange2013_SP1);
  svc.Credentials = new ews.WebCredentials('alice@parley.test', 'secret');
  svc.Url = new ews.Uri(url);
  return svc;
}

const day = (n: number) => `2031-03-${String(n).padStart(2, '0')}T09:00:00.000Z`;

describe('a mail client (ews-javascript-api) on messages and voicemail', () => {
  const audio = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251));
  const mime = Buffer.from(
    'From: Dan <dan@example.org>\r\nSubject: Voice Mail from Dan\r\nX-VoiceMessageDuration: 17\r\n\r\nPreview text\r\n',
  );

  beforeAll(() => {
    for (let i = 1; i <= 4; i++) store.add({ subject: `mail ${i}`, receivedAt: day(i), isRead: i === 1 });
    store.add({
      subject: 'Voice Mail from Dan',
      receivedAt: day(5),
      mime,
      voicemail: {
        source: 'exchange-um',
        callerNumber: '+4930123456',
        callerNumberOriginal: '+49 30 123456',
        callerName: 'Dan',
        durationSeconds: 17,
        audioAttachmentId: null,
        audioContentType: 'audio/mpeg',
        transcription: 'Preview text',
      },
      attachments: [{ name: 'voicemail.mp3', contentType: 'audio/mpeg', bytes: audio }],
    });
  });

  it('reads the Inbox and Voice Mail counts with Folder.Bind', async () => {
    const inbox = await ews.Folder.Bind(client(), ews.WellKnownFolderName.Inbox);
    expect([inbox.DisplayName, inbox.TotalCount, inbox.UnreadCount]).toEqual(['Inbox', 5, 4]);
    const voicemail = await ews.Folder.Bind(client(), ews.WellKnownFolderName.VoiceMail);
    expect([voicemail.TotalCount, voicemail.UnreadCount]).toEqual([1, 1]);
  });

  it('pages the Inbox with FindItems + ItemView(2), newest first, and in the order asked', async () => {
    const subjects: string[] = [];
    let offset = 0;
    for (;;) {
      const page = await client().FindItems(ews.WellKnownFolderName.Inbox, new ews.ItemView(2, offset));
      expect(page.TotalCount).toBe(5);
      subjects.push(...page.Items.map((i) => i.Subject));
      if (!page.MoreAvailable) break;
      offset = page.NextPageOffset as number;
    }
    expect(subjects).toEqual(['Voice Mail from Dan', 'mail 4', 'mail 3', 'mail 2', 'mail 1']);
    const view = new ews.ItemView(3);
    view.OrderBy.Add(ews.ItemSchema.DateTimeReceived, ews.SortDirection.Ascending);
    const oldest = await client().FindItems(ews.WellKnownFolderName.Inbox, view);
    expect(oldest.Items.map((i) => i.Subject)).toEqual(['mail 1', 'mail 2', 'mail 3']);
  });

  it('binds the voicemail with its MIME and voicemail properties, and loads the audio byte for byte', async () => {
    const svc = client();
    const found = await svc.FindItems(ews.WellKnownFolderName.VoiceMail, new ews.ItemView(10));
    expect(found.Items).toHaveLength(1);
    const duration = new ews.ExtendedPropertyDefinition(
      ews.DefaultExtendedPropertySet.InternetHeaders,
      'X-VoiceMessageDuration',
      ews.MapiPropertyType.Integer,
    );
    const size = new ews.ExtendedPropertyDefinition(0x0e08, ews.MapiPropertyType.Integer);
    const message = await ews.EmailMessage.Bind(
      svc,
      found.Items[0].Id,
      new ews.PropertySet(ews.BasePropertySet.FirstClassProperties, [ews.ItemSchema.MimeContent, duration, size]),
    );
    expect(message.Subject).toBe('Voice Mail from Dan');
    expect(message.ItemClass).toBe('IPM.Note.Microsoft.Voicemail.UM.CA');
    expect(message.IsRead).toBe(false);
    expect(message.From.Address).toBe('carol@example.org');
    expect(Buffer.from(message.MimeContent.Content, 'base64').equals(mime)).toBe(true);
    const read = (definition: ews.ExtendedPropertyDefinition) => {
      const out: ews.IOutParam<number | null> = { outValue: null };
      return message.ExtendedProperties.TryGetValue(definition, out) ? Number(out.outValue) : undefined;
    };
    expect([read(duration), read(size)]).toEqual([17, mime.length]);
    expect(message.HasAttachments).toBe(true);
    const attachment = message.Attachments.GetEnumerator()[0] as ews.FileAttachment;
    expect(attachment.Name).toBe('voicemail.mp3');
    await attachment.Load();
    expect(Buffer.from(attachment.Base64Content, 'base64').equals(audio)).toBe(true);
  });

  it('marks a message read with Update, deletes one to Deleted Items, and marks a whole folder read', async () => {
    const svc = client();
    const page = await svc.FindItems(ews.WellKnownFolderName.Inbox, new ews.ItemView(1, 1));
    const message = await ews.EmailMessage.Bind(svc, page.Items[0].Id);
    message.IsRead = true;
    await message.Update(ews.ConflictResolutionMode.AutoResolve);
    expect(store.messages.find((m) => m.view.subject === 'mail 4')?.view.isRead).toBe(true);

    await message.Delete(ews.DeleteMode.MoveToDeletedItems);
    expect(store.messages.find((m) => m.view.subject === 'mail 4')?.view.folder).toBe('deleteditems');
    const deleted = await svc.FindItems(ews.WellKnownFolderName.DeletedItems, new ews.ItemView(10));
    expect(deleted.Items.map((i) => i.Subject)).toEqual(['mail 4']);

    const inbox = await ews.Folder.Bind(svc, ews.WellKnownFolderName.Inbox);
    await inbox.MarkAllItemsAsRead(true);
    const after = await ews.Folder.Bind(svc, ews.WellKnownFolderName.Inbox);
    expect([after.TotalCount, after.UnreadCount]).toEqual([4, 0]);
    const voicemail = await ews.Folder.Bind(svc, ews.WellKnownFolderName.VoiceMail);
    expect(voicemail.UnreadCount).toBe(0);
  });
});
