// EWS notifications as a real client (ews-javascript-api) uses them, against every deployment:
// pull subscriptions read with GetEvents and streaming subscriptions on a GetStreamingEvents
// connection see a message delivered by SMTP within a second; a push subscription's listener (a
// node:http server in the test) gets its status and new-mail callbacks and ends it by answering
// Unsubscribe; calendar and task changes reach a subscription on those folders; Unsubscribe ends
// one; refusals carry EWS's codes.
import * as ews from 'ews-javascript-api';
import nodemailer from 'nodemailer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorOf, EwsDeployment, EwsUser } from './ews-deployment';
import { basic, soapRequest } from './ews-embedded';

/** Submits a plain message from `from` to `to` over the submission port (STARTTLS + AUTH); resolves on the server's 250. */
export async function submitMail(d: EwsDeployment, from: EwsUser, to: string, subject: string): Promise<void> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: d.smtpSubmissionPort,
    secure: false,
    requireTLS: true,
    auth: { user: d.address(from), pass: d.password(from) },
    tls: { rejectUnauthorized: false },
  });
  try {
    await transport.sendMail({ from: d.address(from), to, subject, text: `${subject}\r\n` });
  } finally {
    transport.close();
  }
}

/** Polls GetEvents until `accept` takes the events seen so far (or the deadline passes). */
export async function eventsUntil(
  subscription: ews.PullSubscription,
  accept: (events: ews.ItemEvent[]) => boolean,
  deadlineMs = 15_000,
): Promise<{ events: ews.ItemEvent[]; elapsedMs: number }> {
  const started = Date.now();
  const events: ews.ItemEvent[] = [];
  for (;;) {
    const results = await subscription.GetEvents();
    events.push(...results.ItemEvents);
    if (accept(events)) return { events, elapsedMs: Date.now() - started };
    if (Date.now() - started > deadlineMs)
      throw new Error(`events seen: ${events.map((e) => ews.EventType[e.EventType]).join(', ') || 'none'}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One SendNotification a push listener received: its event element names and item ids, and when it came. */
interface PushCallback {
  readonly at: number;
  readonly subscriptionId: string;
  readonly events: string[];
  readonly itemIds: string[];
}

/** A push listener as a client would run one: a plain HTTP server answering each SendNotification with the status `answer` gives. */
async function startPushListener(answer: (callback: PushCallback) => 'OK' | 'Unsubscribe') {
  const received: PushCallback[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const callback: PushCallback = {
        at: Date.now(),
        subscriptionId: /<t:SubscriptionId>([^<]+)<\/t:SubscriptionId>/.exec(body)?.[1] ?? '',
        events: [...body.matchAll(/<t:(\w+Event)>/g)].map((m) => m[1]),
        itemIds: [...body.matchAll(/<t:ItemId Id="([^"]+)"/g)].map((m) => m[1]),
      };
      const inSendNotification = /<m:SendNotification>[\s\S]*<m:SendNotificationResponseMessage ResponseClass="Success">/.test(body);
      received.push(inSendNotification ? callback : { ...callback, events: ['not a SendNotification'] });
      res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
      res.end(
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
          '<SendNotificationResult xmlns="http://schemas.microsoft.com/exchange/services/2006/messages">' +
          `<SubscriptionStatus>${answer(callback)}</SubscriptionStatus></SendNotificationResult></soap:Body></soap:Envelope>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ews/push`;
  /** Waits until `count` callbacks have come (or fails after the deadline). */
  const callbacks = async (count: number, deadlineMs = 5_000): Promise<PushCallback[]> => {
    const deadline = Date.now() + deadlineMs;
    while (received.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (received.length < count) throw new Error(`push callbacks seen: ${JSON.stringify(received)}`);
    return received;
  };
  const stop = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  return { url, received, callbacks, stop };
}

export function notificationScenarios(deployment: () => EwsDeployment): void {
  describe('notifications', () => {
    const inbox = () => [new ews.FolderId(ews.WellKnownFolderName.Inbox)];

    it('a pull subscription on the Inbox sees a message delivered by SMTP within a second (NewMail and Created, the item bindable)', async () => {
      const d = deployment();
      const alice = d.client('alice');
      const subscription = await alice.SubscribeToPullNotifications(
        inbox(),
        5,
        null as unknown as string,
        ews.EventType.NewMail,
        ews.EventType.Created,
      );
      expect(subscription.Id).toBeTruthy();
      expect(subscription.Watermark).toBeTruthy();
      // Nothing happened yet: a status event only, the watermark kept.
      const quiet = await subscription.GetEvents();
      expect(quiet.ItemEvents).toHaveLength(0);
      const subject = `Pull ${randomUUID()}`;
      const sentAt = Date.now();
      await submitMail(d, 'bob', d.address('alice'), subject);
      const { events } = await eventsUntil(subscription, (seen) => seen.some((e) => e.EventType === ews.EventType.NewMail));
      expect(Date.now() - sentAt).toBeLessThan(1_000 + 500); // the 250 came before sentAt + the SMTP dialog
      const newMail = events.find((e) => e.EventType === ews.EventType.NewMail) as ews.ItemEvent;
      expect(events.some((e) => e.EventType === ews.EventType.Created && e.ItemId.UniqueId === newMail.ItemId.UniqueId)).toBe(true);
      const item = await ews.Item.Bind(alice, newMail.ItemId);
      expect(item.Subject).toBe(subject);
      // Read once: the next poll has nothing new.
      expect((await subscription.GetEvents()).ItemEvents).toHaveLength(0);
      await subscription.Unsubscribe();
      expect((await errorOf(subscription.GetEvents())).code).toBe('ErrorSubscriptionNotFound');
    });

    it('a streaming subscription gets the message on an open GetStreamingEvents connection within a second', async () => {
      const d = deployment();
      const alice = d.client('alice');
      const subscription = await alice.SubscribeToStreamingNotifications(inbox(), ews.EventType.NewMail);
      const connection = new ews.StreamingSubscriptionConnection(alice, 1);
      connection.AddSubscription(subscription);
      const received: { at: number; event: ews.NotificationEvent }[] = [];
      connection.OnNotificationEvent.push((_sender, args) => {
        for (const event of args.Events) received.push({ at: Date.now(), event });
      });
      const errors: unknown[] = [];
      connection.OnSubscriptionError.push((_sender, args) => errors.push(args.Exception));
      connection.Open();
      try {
        await new Promise((resolve) => setTimeout(resolve, 300)); // the connection's first message
        const subject = `Streaming ${randomUUID()}`;
        await submitMail(d, 'carol', d.address('alice'), subject);
        const accepted = Date.now();
        const deadline = accepted + 5_000;
        while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(errors).toEqual([]);
        expect(received.length).toBeGreaterThan(0);
        expect(received[0].at - accepted).toBeLessThan(1_000);
        const event = received[0].event as ews.ItemEvent;
        expect(event.EventType).toBe(ews.EventType.NewMail);
        expect((await ews.Item.Bind(alice, event.ItemId)).Subject).toBe(subject);
      } finally {
        connection.Close();
        await subscription.Unsubscribe().catch(() => undefined);
      }
    });

    it("a push subscription's listener gets a status notification at once, then new mail, and its 'Unsubscribe' answer ends the subscription", async () => {
      const d = deployment();
      const alice = d.client('alice');
      let unsubscribe = false;
      const listener = await startPushListener(() => (unsubscribe ? 'Unsubscribe' : 'OK'));
      try {
        const subscription = await alice.SubscribeToPushNotifications(
          inbox(),
          new ews.Uri(listener.url),
          1,
          null as unknown as string,
          ews.EventType.NewMail,
        );
        // Exchange's first callback: a status event, telling the listener the subscription exists.
        const [status] = await listener.callbacks(1);
        expect(status).toMatchObject({ subscriptionId: subscription.Id, events: ['StatusEvent'], itemIds: [] });

        const subject = `Push ${randomUUID()}`;
        await submitMail(d, 'bob', d.address('alice'), subject);
        const accepted = Date.now();
        const newMail = (await listener.callbacks(2))[1];
        expect(newMail.at - accepted).toBeLessThan(1_000);
        expect(newMail).toMatchObject({ subscriptionId: subscription.Id, events: ['NewMailEvent'] });
        expect((await ews.Item.Bind(alice, new ews.ItemId(newMail.itemIds[0]))).Subject).toBe(subject);

        // The listener has had enough: its answer to the next callback ends the subscription.
        unsubscribe = true;
        await submitMail(d, 'carol', d.address('alice'), `Push, last ${randomUUID()}`);
        expect((await listener.callbacks(3))[2].events).toEqual(['NewMailEvent']);
        await new Promise((resolve) => setTimeout(resolve, 300)); // the gateway writes the answer's outcome
        expect((await errorOf(alice.GetEvents(subscription.Id, subscription.Watermark))).code).toBe('ErrorSubscriptionNotFound');
        const unsubscribeAgain = await fetch(`${d.base}/EWS/Exchange.asmx`, {
          method: 'POST',
          headers: { authorization: basic(d.address('alice'), d.password('alice')), 'content-type': 'text/xml; charset=utf-8' },
          body: soapRequest(`<m:Unsubscribe><m:SubscriptionId>${subscription.Id}</m:SubscriptionId></m:Unsubscribe>`),
        });
        expect(await unsubscribeAgain.text()).toMatch(/<m:ResponseCode>ErrorSubscriptionNotFound<\/m:ResponseCode>/);
        // No more callbacks.
        await submitMail(d, 'bob', d.address('alice'), `Push, after ${randomUUID()}`);
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        expect(listener.received).toHaveLength(3);
      } finally {
        await listener.stop();
      }
    });

    it('a subscription on the Calendar and Tasks folders sees items created, changed and deleted there', async () => {
      const bob = deployment().client('bob');
      const folders = [new ews.FolderId(ews.WellKnownFolderName.Calendar), new ews.FolderId(ews.WellKnownFolderName.Tasks)];
      const all = [ews.EventType.Created, ews.EventType.Modified, ews.EventType.Deleted];
      const subscription = await bob.SubscribeToPullNotifications(folders, 5, null as unknown as string, ...all);
      const meeting = new ews.Appointment(bob);
      meeting.Subject = 'Notified meeting';
      meeting.Start = new ews.DateTime(Date.UTC(2031, 5, 3, 9));
      meeting.End = new ews.DateTime(Date.UTC(2031, 5, 3, 10));
      await meeting.Save(ews.SendInvitationsMode.SendToNone);
      const task = new ews.Task(bob);
      task.Subject = 'Notified task';
      await task.Save(ews.WellKnownFolderName.Tasks);
      meeting.Subject = 'Notified meeting, moved';
      await meeting.Update(ews.ConflictResolutionMode.AlwaysOverwrite, ews.SendInvitationsOrCancellationsMode.SendToNone);
      await meeting.Delete(ews.DeleteMode.HardDelete, ews.SendCancellationsMode.SendToNone);
      await task.Delete(ews.DeleteMode.HardDelete);
      const kinds = (events: ews.ItemEvent[], id: string) =>
        events.filter((e) => e.ItemId.UniqueId === id).map((e) => ews.EventType[e.EventType]);
      const { events } = await eventsUntil(
        subscription,
        (seen) => kinds(seen, task.Id.UniqueId).includes('Deleted') && kinds(seen, meeting.Id.UniqueId).includes('Deleted'),
      );
      expect(kinds(events, meeting.Id.UniqueId)).toEqual(['Created', 'Modified', 'Deleted']);
      expect(kinds(events, task.Id.UniqueId)).toEqual(['Created', 'Deleted']);
      await subscription.Unsubscribe();
    });

    it('refuses what it must: a foreign subscription, a forged watermark, a bad timeout, a callback to a barred address, an unknown subscription', async () => {
      const d = deployment();
      const alice = d.client('alice');
      const subscription = await alice.SubscribeToPullNotifications(inbox(), 5, null as unknown as string, ews.EventType.NewMail);
      const bob = d.client('bob');
      expect((await errorOf(bob.GetEvents(subscription.Id, subscription.Watermark))).code).toBe('ErrorSubscriptionAccessDenied');
      expect((await errorOf(alice.GetEvents(subscription.Id, 'AQAAAAAAAP//'))).code).toBe('ErrorInvalidWatermark');
      // The client checks the timeout itself; over plain SOAP the server refuses it too.
      const subscribe = soapRequest(
        '<m:Subscribe><m:PullSubscriptionRequest><t:FolderIds><t:DistinguishedFolderId Id="inbox"/></t:FolderIds>' +
          '<t:EventTypes><t:EventType>NewMailEvent</t:EventType></t:EventTypes><t:Timeout>0</t:Timeout></m:PullSubscriptionRequest></m:Subscribe>',
      );
      const answer = await fetch(`${d.base}/EWS/Exchange.asmx`, {
        method: 'POST',
        headers: { authorization: basic(d.address('alice'), d.password('alice')), 'content-type': 'text/xml; charset=utf-8' },
        body: subscribe,
      });
      expect(answer.status).toBe(200);
      expect(await answer.text()).toMatch(/<m:ResponseCode>ErrorInvalidSubscriptionRequest<\/m:ResponseCode>/);
      // Push callbacks go only where PARLEY_EWS_PUSH_ALLOWED (here 127.0.0.1/32) or the public internet is: never the
      // cloud metadata service, nor another loopback address.
      for (const refused of ['http://169.254.169.254/latest/meta-data/', 'http://127.0.0.2:9/ews-push', 'ftp://127.0.0.1/ews-push']) {
        const push = alice.SubscribeToPushNotifications(inbox(), new ews.Uri(refused), 1, null as unknown as string, ews.EventType.NewMail);
        expect([refused, (await errorOf(push)).code]).toEqual([refused, 'ErrorInvalidPushSubscriptionUrl']);
      }
      await subscription.Unsubscribe();
      expect((await errorOf(alice.GetEvents(subscription.Id, subscription.Watermark))).code).toBe('ErrorSubscriptionNotFound');
    });
  });
}
