// Sending mail as a user of a real EWS client sees it, against every deployment (see ews-deployment.ts):
// EmailMessage.SendAndSaveCopy to a Parley user and an external address (the deployment's smarthost,
// a local SMTP sink, standing in for the internet), Save() to Drafts then SendAndSaveCopy() of the
// draft, Send() keeping no copy, and Reply / ReplyAll / Forward of a received message. Each case
// removes the messages it made, so later suites find the folders as they were.
import { waitFor } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import { simpleParser } from 'mailparser';
import type { EwsDeployment, EwsUser } from './ews-deployment';

const EXTERNAL = 'partner@elsewhere.test';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The messages of a folder whose subject contains `marker`, newest first. */
async function withSubject(service: ews.ExchangeService, folder: ews.WellKnownFolderName, marker: string): Promise<ews.Item[]> {
  const found = await service.FindItems(folder, new ews.ItemView(100));
  return found.Items.filter((i) => i.Subject.includes(marker));
}

/** Waits until the folder holds `count` messages with `marker` in their subject, and answers them. */
async function arrived(service: ews.ExchangeService, folder: ews.WellKnownFolderName, marker: string, count = 1): Promise<ews.Item[]> {
  let items: ews.Item[] = [];
  await waitFor(
    async () => {
      items = await withSubject(service, folder, marker);
      return items.length >= count;
    },
    { timeoutMs: 15_000, what: `${count} message(s) '${marker}' in ${ews.WellKnownFolderName[folder]}` },
  );
  return items;
}

export function sendScenarios(deployment: () => EwsDeployment): void {
  describe('send mail', () => {
    let marker: string;
    let sequence = 0;

    beforeEach(() => {
      marker = `[send ${process.pid}-${++sequence}]`;
    });

    afterEach(async () => {
      const folders = [ews.WellKnownFolderName.Inbox, ews.WellKnownFolderName.SentItems, ews.WellKnownFolderName.Drafts];
      for (const user of ['alice', 'bob', 'carol'] as EwsUser[]) {
        const service = deployment().client(user);
        for (const folder of folders)
          for (const item of await withSubject(service, folder, marker)) await item.Delete(ews.DeleteMode.HardDelete);
      }
    });

    async function sunk(subject: string): Promise<{ to: string[]; raw: Buffer }> {
      const smarthost = deployment().smarthost;
      const find = () => smarthost.received.find((m) => m.raw.toString('utf8').includes(subject));
      await waitFor(() => find() !== undefined, { timeoutMs: 15_000, what: `the smarthost to receive '${subject}'` });
      return find() as { to: string[]; raw: Buffer };
    }

    it('SendAndSaveCopy to a local and an external recipient: the Inbox, Sent Items and the smarthost have it', async () => {
      const d = deployment();
      const alice = d.client('alice');
      const message = new ews.EmailMessage(alice);
      message.Subject = `Lunch ${marker}`;
      // ews-javascript-api writes string values as given: callers escape HTML (gautamsi/ews-javascript-api#368), as Exchange needs too.
      message.Body = new ews.MessageBody(ews.BodyType.HTML, escapeXml('<p>At noon, by the river.</p>'));
      message.ToRecipients.Add(d.address('bob'));
      message.ToRecipients.Add(EXTERNAL);
      await message.SendAndSaveCopy();

      const [received] = await arrived(d.client('bob'), ews.WellKnownFolderName.Inbox, marker);
      const bound = await ews.EmailMessage.Bind(d.client('bob'), received.Id);
      expect(bound.Subject).toBe(`Lunch ${marker}`);
      expect(bound.From.Address.toLowerCase()).toBe(d.address('alice'));
      expect(bound.Body.BodyType).toBe(ews.BodyType.HTML);
      expect(bound.Body.Text).toContain('<p>At noon, by the river.</p>');
      expect(bound.IsRead).toBe(false);

      const [sent] = await arrived(alice, ews.WellKnownFolderName.SentItems, marker);
      expect(sent.Subject).toBe(`Lunch ${marker}`);
      expect(await withSubject(alice, ews.WellKnownFolderName.Drafts, marker)).toEqual([]);

      const out = await sunk(marker);
      expect(out.to).toEqual([EXTERNAL]);
      const parsed = await simpleParser(out.raw);
      expect(parsed.from?.value[0].address).toBe(d.address('alice'));
      expect(parsed.html).toContain('<p>At noon, by the river.</p>');
    });

    it('Save() keeps a draft in Drafts; SendAndSaveCopy() of the draft sends it and moves it to Sent Items', async () => {
      const d = deployment();
      const alice = d.client('alice');
      const draft = new ews.EmailMessage(alice);
      draft.Subject = `Agenda ${marker}`;
      draft.Body = new ews.MessageBody(ews.BodyType.Text, 'First draft.');
      draft.ToRecipients.Add(d.address('bob'));
      draft.BccRecipients.Add(EXTERNAL);
      await draft.Save();
      expect(draft.Id.UniqueId).toBeTruthy();
      const drafts = await withSubject(alice, ews.WellKnownFolderName.Drafts, marker);
      expect(drafts.map((i) => i.Id.UniqueId)).toEqual([draft.Id.UniqueId]);
      expect(await withSubject(d.client('bob'), ews.WellKnownFolderName.Inbox, marker)).toEqual([]);

      await draft.SendAndSaveCopy();
      await arrived(d.client('bob'), ews.WellKnownFolderName.Inbox, marker);
      const [sent] = await arrived(alice, ews.WellKnownFolderName.SentItems, marker);
      expect(sent.Id.UniqueId).toBe(draft.Id.UniqueId);
      expect(await withSubject(alice, ews.WellKnownFolderName.Drafts, marker)).toEqual([]);
      // The Bcc recipient got it; the header that names them did not go out.
      const out = await sunk(marker);
      expect(out.to).toEqual([EXTERNAL]);
      expect(out.raw.toString('utf8')).not.toMatch(/^Bcc:/im);
    });

    it('Send() (SendOnly) delivers and keeps no copy', async () => {
      const d = deployment();
      const alice = d.client('alice');
      const message = new ews.EmailMessage(alice);
      message.Subject = `No copy ${marker}`;
      message.Body = new ews.MessageBody(ews.BodyType.Text, 'Gone once sent.');
      message.ToRecipients.Add(d.address('bob'));
      await message.Send();
      await arrived(d.client('bob'), ews.WellKnownFolderName.Inbox, marker);
      expect(await withSubject(alice, ews.WellKnownFolderName.SentItems, marker)).toEqual([]);
      expect(await withSubject(alice, ews.WellKnownFolderName.Drafts, marker)).toEqual([]);
    });

    it('Reply, ReplyAll and Forward of a received message reach the right people, threaded and quoted', async () => {
      const d = deployment();
      const original = new ews.EmailMessage(d.client('alice'));
      original.Subject = `Plans ${marker}`;
      original.Body = new ews.MessageBody(ews.BodyType.Text, 'Shall we meet on Friday?');
      original.ToRecipients.Add(d.address('bob'));
      original.CcRecipients.Add(d.address('carol'));
      await original.SendAndSaveCopy();
      const bob = d.client('bob');
      const [inBobsInbox] = await arrived(bob, ews.WellKnownFolderName.Inbox, marker);
      const received = await ews.EmailMessage.Bind(bob, inBobsInbox.Id);

      await received.Reply(new ews.MessageBody(ews.BodyType.Text, 'Friday works for me.'), false);
      const [reply] = await arrived(d.client('alice'), ews.WellKnownFolderName.Inbox, `RE: Plans ${marker}`);
      const boundReply = await ews.EmailMessage.Bind(d.client('alice'), reply.Id);
      expect(boundReply.Body.Text).toContain('Friday works for me.');
      expect(boundReply.Body.Text).toContain('Shall we meet on Friday?');
      expect(boundReply.InReplyTo).toBe(received.InternetMessageId);
      expect(boundReply.CcRecipients.Count).toBe(0);
      expect((await arrived(bob, ews.WellKnownFolderName.SentItems, `RE: Plans ${marker}`)).length).toBe(1);

      await received.Reply(new ews.MessageBody(ews.BodyType.Text, 'Adding everyone.'), true);
      await arrived(d.client('alice'), ews.WellKnownFolderName.Inbox, `RE: Plans ${marker}`, 2);
      await arrived(d.client('carol'), ews.WellKnownFolderName.Inbox, `RE: Plans ${marker}`);
      // Nobody replies to themselves: bob's Inbox still holds only the original.
      expect((await withSubject(bob, ews.WellKnownFolderName.Inbox, marker)).length).toBe(1);

      await received.Forward(new ews.MessageBody(ews.BodyType.Text, 'See below.'), [new ews.EmailAddress(EXTERNAL)]);
      const out = await sunk(`FW: Plans ${marker}`);
      expect(out.to).toEqual([EXTERNAL]);
      const forwarded = await simpleParser(out.raw);
      expect(forwarded.text).toContain('See below.');
      expect(forwarded.text).toContain('Shall we meet on Friday?');
    });
  });
}
