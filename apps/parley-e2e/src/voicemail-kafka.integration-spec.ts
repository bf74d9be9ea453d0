// Voicemail in the distributed deployment — the four services as separate processes over their own
// Kafka broker and PostgreSQL — driven by the clients users have: a PBX's voicemail mail submitted
// with nodemailer (STARTTLS + AUTH) and through the trusted relay, read with the real EWS client
// (ews-javascript-api: FindItem on Inbox and the voicemail folder, GetItem with MimeContent,
// GetAttachment, UpdateItem IsRead), while the owner's presence WebSocket shows the message-waiting
// counts; an OOF set with EWS SetUserOofSettings answers a colleague's relayed mail once (calendar-sync's
// effective OOF reaching voicemail-ingest over Kafka). Last, voicemail-ingest is SIGKILLed in the middle of a DATA transfer (nothing stored, the
// client saw no success) and right after its `250` (stored exactly once).
import * as ews from 'ews-javascript-api';
import { Socket } from 'node:net';
import nodemailer from 'nodemailer';
import { freePort, umVoicemailMail, waitFor, wavRecording } from '@parley/testing';
import { KafkaDeployment, startKafkaDeployment, StartedService } from './kafka-deployment';
import { PresenceSocketClient } from './presence-socket-client';
import { RawSmtp } from './raw-smtp';

const USERS = ['owner', 'pbx', 'other', 'away', 'colleague'] as const;

/** A voicemail in Exchange UM's form: the caller and the 12 seconds the cases look for. */
const umVoicemail = (from: string, to: string, audio: Buffer) =>
  umVoicemailMail({ from, to, audio, callerName: 'E2E Caller', durationSeconds: 12 });

describe('voicemail over Kafka (four services): SMTP in, EWS and the presence WebSocket out', () => {
  let d: KafkaDeployment;
  let ports: { submission: number; implicitTls: number; relay: number };
  const who = {} as Record<(typeof USERS)[number], string>;

  beforeAll(async () => {
    ports = { submission: await freePort(), implicitTls: await freePort(), relay: await freePort() };
    d = await startKafkaDeployment({
      prefix: 'e2e-voicemail',
      users: [...USERS],
      env: {
        PARLEY_SMTP_SUBMISSION_PORT: String(ports.submission),
        PARLEY_SMTP_IMPLICIT_TLS_PORT: String(ports.implicitTls),
        PARLEY_SMTP_RELAY_PORT: String(ports.relay),
        PARLEY_SMTP_RELAY_CIDRS: '127.0.0.0/8',
      },
    });
    for (const user of USERS) who[user] = d.address(user);
  }, 240_000);

  afterAll(async () => {
    for (const s of Object.values(d?.services ?? {})) console.log(`--- ${s.name}\n${s.proc.output().slice(-3000)}`);
    await d?.stop();
  });

  const basic = (mailbox: string) => `Basic ${Buffer.from(`${mailbox}:${d.password(mailbox)}`).toString('base64')}`;

  async function inboxItems(mailbox: string, folder = ews.WellKnownFolderName.Inbox): Promise<ews.Item[]> {
    const found = await d.as(mailbox).FindItems(new ews.FolderId(folder), new ews.ItemView(100));
    return found.Items;
  }

  async function waitForMessageWaiting(socket: PresenceSocketClient, from: number, newMessages: number, oldMessages: number) {
    return socket.next((m) => m.type === 'message-waiting' && m['newMessages'] === newMessages && m['oldMessages'] === oldMessages, {
      from,
      timeoutMs: 15_000,
      what: `message-waiting ${newMessages}/${oldMessages}`,
    });
  }

  it('a voicemail submitted with STARTTLS + AUTH reaches the owner: EWS shows it with the audio intact, the lamp lights and goes out when it is read', async () => {
    const socket = await PresenceSocketClient.connect(d.services['presence-bridge'].wsUrl, basic(who.owner));
    try {
      await waitForMessageWaiting(socket, 0, 0, 0);
      const mark = socket.mark;
      const audio = wavRecording(48_044);
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: ports.submission,
        secure: false,
        requireTLS: true,
        auth: { user: who.pbx, pass: d.password(who.pbx) },
        tls: { rejectUnauthorized: false },
      });
      const raw = umVoicemail(who.pbx, who.owner, audio);
      const sent = await transport.sendMail({ envelope: { from: who.pbx, to: [who.owner] }, raw });
      transport.close();
      expect(sent.accepted).toEqual([who.owner]);

      await waitForMessageWaiting(socket, mark, 1, 0);
      const [inbox, voicemail] = [await inboxItems(who.owner), await inboxItems(who.owner, ews.WellKnownFolderName.VoiceMail)];
      expect(inbox).toHaveLength(1);
      expect(voicemail).toHaveLength(1);
      expect(voicemail[0].Id.UniqueId).toBe(inbox[0].Id.UniqueId);

      const service = d.as(who.owner);
      const props = new ews.PropertySet(ews.BasePropertySet.FirstClassProperties, [ews.ItemSchema.MimeContent]);
      const message = await ews.EmailMessage.Bind(service, inbox[0].Id, props);
      expect(message.ItemClass).toBe('IPM.Note.Microsoft.Voicemail.UM.CA');
      expect(message.Subject).toBe('Voice Mail from +4930123456 (12 seconds)');
      expect(message.IsRead).toBe(false);
      expect(message.HasAttachments).toBe(true);
      // The original MIME, behind the trace header the relay added.
      const mime = Buffer.from(message.MimeContent.Content, 'base64').toString('latin1');
      expect(mime.endsWith(raw) || mime.replace(/\r\n/g, '\n').endsWith(raw.replace(/\r\n/g, '\n'))).toBe(true);
      expect(mime.startsWith('Received:')).toBe(true);

      const attachment = message.Attachments._getItem(0) as ews.FileAttachment;
      await attachment.Load();
      expect(attachment.ContentType).toMatch(/^audio\/wav/);
      expect(Buffer.from(attachment.Base64Content, 'base64').equals(audio)).toBe(true);

      // Another user cannot reach it with its id.
      await expect(ews.EmailMessage.Bind(d.as(who.other), inbox[0].Id, props)).rejects.toMatchObject({
        ErrorCode: ews.ServiceError.ErrorItemNotFound,
      });

      const afterRead = socket.mark;
      message.IsRead = true;
      await message.Update(ews.ConflictResolutionMode.AutoResolve);
      await waitForMessageWaiting(socket, afterRead, 0, 1);
    } finally {
      await socket.close();
    }
  });

  it('the trusted relay takes a voicemail without AUTH for a Parley mailbox and refuses anyone else', async () => {
    const before = (await inboxItems(who.other)).length;
    const relay = nodemailer.createTransport({ host: '127.0.0.1', port: ports.relay, secure: false, ignoreTLS: true });
    await relay.sendMail({
      envelope: { from: 'pbx@pbx.e2e', to: [who.other] },
      raw: umVoicemail('pbx@pbx.e2e', who.other, wavRecording(4_044)),
    });
    await expect(
      relay.sendMail({
        envelope: { from: 'pbx@pbx.e2e', to: ['someone@elsewhere.example'] },
        raw: umVoicemail('pbx@pbx.e2e', 'someone@elsewhere.example', wavRecording(4_044)),
      }),
    ).rejects.toMatchObject({ responseCode: 550 });
    relay.close();
    await waitFor(async () => (await inboxItems(who.other)).length === before + 1, { timeoutMs: 15_000, what: 'the relayed voicemail' });
  });

  it("an OOF set with EWS answers a colleague's mail once: calendar-sync's effective OOF reaches voicemail-ingest over Kafka", async () => {
    const settings = new ews.OofSettings();
    settings.State = ews.OofState.Enabled;
    settings.ExternalAudience = ews.OofExternalAudience.None;
    settings.InternalReply = new ews.OofReply('Away this week, ask the owner.');
    settings.ExternalReply = new ews.OofReply('');
    await d.as(who.away).SetUserOofSettings(who.away, settings);

    const relay = nodemailer.createTransport({ host: '127.0.0.1', port: ports.relay, secure: false, ignoreTLS: true });
    const replies = async () => (await inboxItems(who.colleague)).filter((i) => i.Subject.startsWith('Automatic reply: '));
    try {
      // Until voicemail-ingest has the event, mail is stored unanswered; the first one after it is answered.
      let sent = 0;
      await waitFor(
        async () => {
          const raw = [`From: <${who.colleague}>`, `To: <${who.away}>`, `Subject: Question ${++sent}`, '', 'Are you there?', ''].join(
            '\r\n',
          );
          await relay.sendMail({ envelope: { from: who.colleague, to: [who.away] }, raw });
          return (await replies()).length > 0;
        },
        { timeoutMs: 20_000, what: "the automatic reply in the colleague's Inbox" },
      );
      const [reply] = await replies();
      const message = await ews.EmailMessage.Bind(
        d.as(who.colleague),
        reply.Id,
        new ews.PropertySet(ews.BasePropertySet.FirstClassProperties, [ews.ItemSchema.MimeContent]),
      );
      expect(message.Subject).toMatch(/^Automatic reply: Question \d+$/);
      expect(message.From.Address).toBe(who.away);
      const mime = Buffer.from(message.MimeContent.Content, 'base64').toString('utf8');
      expect(mime).toMatch(/^Auto-Submitted: auto-replied\r?$/m);
      expect(mime).toContain('Away this week, ask the owner.');

      // More mail in the same period: stored, never answered again.
      await relay.sendMail({ envelope: { from: who.colleague, to: [who.away] }, raw: `Subject: Once more\r\n\r\nStill there?\r\n` });
      await waitFor(async () => (await inboxItems(who.away)).some((i) => i.Subject === 'Once more'), {
        timeoutMs: 10_000,
        what: 'the last mail stored',
      });
      expect(await replies()).toHaveLength(1);
    } finally {
      relay.close();
    }
  });

  describe('voicemail-ingest SIGKILLed during SMTP', () => {
    const restart = async (service: StartedService) => {
      await service.proc.kill();
      const again = await d.restartService(service);
      (d.services as Record<string, StartedService>)['voicemail-ingest'] = again;
      await waitFor(
        async () =>
          new Promise<boolean>((resolve) => {
            const probe = new Socket();
            probe.once('connect', () => (probe.destroy(), resolve(true)));
            probe.once('error', () => resolve(false));
            probe.connect(ports.relay, '127.0.0.1');
          }),
        { timeoutMs: 60_000, what: 'the relay to listen again' },
      );
    };

    async function startData(recipient: string): Promise<RawSmtp> {
      const smtp = await RawSmtp.connect(ports.relay);
      expect(await smtp.command('EHLO pbx.e2e')).toMatch(/^250 /);
      expect(await smtp.command('MAIL FROM:<pbx@pbx.e2e>')).toMatch(/^250 /);
      expect(await smtp.command(`RCPT TO:<${recipient}>`)).toMatch(/^250 /);
      expect(await smtp.command('DATA')).toMatch(/^354 /);
      return smtp;
    }

    it('in the middle of DATA: the client gets no success and nothing is stored', async () => {
      const before = (await inboxItems(who.owner)).length;
      const smtp = await startData(who.owner);
      const body = umVoicemail('pbx@pbx.e2e', who.owner, wavRecording(200_044));
      smtp.write(body.slice(0, body.length / 2));
      await new Promise((r) => setTimeout(r, 200));
      await restart(d.services['voicemail-ingest']);
      await smtp.closed;
      await expect(smtp.reply(500)).rejects.toThrow();
      // Time for anything that would wrongly have been stored to show.
      await new Promise((r) => setTimeout(r, 2_000));
      expect(await inboxItems(who.owner)).toHaveLength(before);
    });

    it('right after the 250: stored exactly once', async () => {
      const before = (await inboxItems(who.owner)).length;
      const smtp = await startData(who.owner);
      smtp.write(`${umVoicemail('pbx@pbx.e2e', who.owner, wavRecording(20_044))}.\r\n`);
      expect(await smtp.reply()).toMatch(/^250 /);
      await restart(d.services['voicemail-ingest']);
      smtp.destroy();
      await waitFor(async () => (await inboxItems(who.owner)).length === before + 1, { timeoutMs: 20_000, what: 'the stored voicemail' });
      await new Promise((r) => setTimeout(r, 2_000));
      expect(await inboxItems(who.owner)).toHaveLength(before + 1);
    });
  });
});
