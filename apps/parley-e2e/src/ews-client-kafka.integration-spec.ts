// A real EWS client (ews-javascript-api) and plain HTTP against the distributed deployment: the
// four services as separate processes over their own Kafka broker and a fresh PostgreSQL database,
// users created with the admin CLI. The gateway reaches calendar-sync by request/reply over Kafka
// and keeps an OOF read model from a compacted topic. The scenarios are the ones
// ews-client-embedded runs against the embedded app; the cases after them exist only in this
// deployment. This is the issue's "in CI, against the separate processes over real Kafka and
// PostgreSQL".
import * as ews from 'ews-javascript-api';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { ewsClientScenarios } from './ews-client.scenarios';
import { errorOf, KafkaEwsDeployment, startKafkaEwsDeployment } from './ews-deployment';
import { eventsUntil, submitMail } from './ews-notifications.scenarios';
import { oofSettings } from './ews-oof.scenarios';

describe('EWS with ews-javascript-api (four processes over Kafka)', () => {
  let deployment: KafkaEwsDeployment;

  beforeAll(async () => {
    deployment = await startKafkaEwsDeployment('e2e-ews-client');
  }, 240_000);

  afterAll(async () => {
    await deployment?.stop();
  }, 120_000);

  ewsClientScenarios(() => deployment);

  describe('with a bearer token from `parley-admin token issue`', () => {
    const withToken = (token: string) => {
      const service = new ews.ExchangeService(ews.ExchangeVersion.Exchange2013_SP1);
      service.Credentials = new ews.OAuthCredentials(token);
      service.Url = new ews.Uri(`${deployment.base}/EWS/Exchange.asmx`);
      return service;
    };

    it('calls EWS as the token’s user', async () => {
      const [ALICE, BOB] = [deployment.address('alice'), deployment.address('bob')];
      const token = (await deployment.kafka.admin(['token', 'issue', BOB, '--ttl', '300'])).trim();
      const service = withToken(token);
      const settings = oofSettings(ews.OofState.Enabled, ews.OofExternalAudience.All, 'Set with a token');
      await service.SetUserOofSettings(BOB, settings);
      expect((await service.GetUserOofSettings(BOB)).InternalReply.Message).toBe('Set with a token');
      // The token acts for bob only.
      expect((await errorOf(service.GetUserOofSettings(ALICE))).code).toBe('ErrorAccessDenied');
    });

    it('answers 401 to a tampered token', async () => {
      const [ALICE, BOB] = [deployment.address('alice'), deployment.address('bob')];
      const token = (await deployment.kafka.admin(['token', 'issue', BOB])).trim();
      const [header, body, mac] = token.split('.');
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { sub: string; exp: number };
      const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: ALICE })).toString('base64url')}.${mac}`;
      expect((await errorOf(withToken(forged).GetUserOofSettings(ALICE))).message).toMatch(/401/);
      const flipped = `${header}.${body}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`;
      const response = await fetch(`${deployment.base}/EWS/Exchange.asmx`, {
        method: 'POST',
        headers: { authorization: `Bearer ${flipped}`, 'content-type': 'text/xml; charset=utf-8' },
        body: '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>',
      });
      expect(response.status).toBe(401);
    });
  });

  describe('the free/busy cache of a second gateway replica', () => {
    const HOUR = 3_600_000;
    const DAY_START = Date.UTC(2031, 8, 9); // Tuesday 9 September 2031
    const availability = (service: ews.ExchangeService, mailbox: string) => {
      const options = new ews.AvailabilityOptions();
      options.MergedFreeBusyInterval = 60;
      options.RequestedFreeBusyView = ews.FreeBusyViewType.DetailedMerged;
      const window = new ews.TimeWindow(new ews.DateTime(DAY_START), new ews.DateTime(DAY_START + 24 * HOUR));
      return service
        .GetUserAvailability([new ews.AttendeeInfo(mailbox)], window, ews.AvailabilityData.FreeBusy, options)
        .then((r) => r.AttendeesAvailability.Responses[0]);
    };
    const cacheLookups = async (metricsBase: string, outcome: 'hit' | 'miss') => {
      const text = await (await fetch(`${metricsBase}/metrics`)).text();
      return Number(
        new RegExp(`^parley_ews_free_busy_cache_lookups_total\\{[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0,
      );
    };
    /** Asks until `done` holds (the cache TTL is 60 s, so within seconds means the change feed dropped the answer). */
    const within = async (ms: number, ask: () => Promise<ews.AttendeeAvailability>, done: (a: ews.AttendeeAvailability) => boolean) => {
      const deadline = Date.now() + ms;
      let last = await ask();
      while (!done(last) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        last = await ask();
      }
      return last;
    };

    it('answers a repeated query from its cache, and drops it when a calendar change (through the other replica) or a working-hours change (through the admin CLI) arrives', async () => {
      const CAROL = deployment.address('carol');
      const second = await deployment.kafka.startService('ews-gateway', 'ews-gateway-fb');
      const onSecond = deployment.kafka.as(CAROL, second.base);
      const deadline = Date.now() + 20_000;
      // The cache goes live once the replica's change feeds have fetched; until then every lookup is off.
      while ((await cacheLookups(second.metricsBase, 'hit')) === 0 && Date.now() < deadline) await availability(onSecond, CAROL);
      expect(await cacheLookups(second.metricsBase, 'hit')).toBeGreaterThan(0);
      expect((await availability(onSecond, CAROL)).MergedFreeBusyStatus.join('')).toBe('0'.repeat(24));

      const meeting = new ews.Appointment(deployment.client('carol'));
      meeting.Subject = 'Booked through the first gateway';
      meeting.Start = new ews.DateTime(DAY_START + 14 * HOUR);
      meeting.End = new ews.DateTime(DAY_START + 15 * HOUR);
      await meeting.Save(ews.SendInvitationsMode.SendToNone);
      const booked = await within(
        5_000,
        () => availability(onSecond, CAROL),
        (a) => a.MergedFreeBusyStatus.join('') !== '0'.repeat(24),
      );
      expect(booked.MergedFreeBusyStatus.join('')).toBe(`${'0'.repeat(14)}2${'0'.repeat(9)}`);

      await deployment.kafka.admin([
        'working-hours',
        'set',
        CAROL,
        '--time-zone',
        'UTC',
        '--days',
        'mon-thu',
        '--start',
        '10:00',
        '--end',
        '16:00',
      ]);
      const hours = await within(
        10_000,
        () => availability(onSecond, CAROL),
        (a) => a.WorkingHours.StartTime.TotalMinutes === 600,
      );
      expect([hours.WorkingHours.StartTime.TotalMinutes, hours.WorkingHours.EndTime.TotalMinutes]).toEqual([600, 960]);
      expect(hours.WorkingHours.DaysOfTheWeek.map((day) => ews.DayOfTheWeek[day])).toEqual(['Monday', 'Tuesday', 'Wednesday', 'Thursday']);
      await second.proc.stop();
    }, 120_000);
  });

  describe('EWS notifications across gateway replicas and a restart', () => {
    const newMailSubjects = async (service: ews.ExchangeService, events: ews.ItemEvent[]) => {
      const subjects: string[] = [];
      for (const e of events.filter((event) => event.EventType === ews.EventType.NewMail))
        subjects.push((await ews.Item.Bind(service, e.ItemId)).Subject);
      return subjects;
    };

    it('reads a pull subscription made on one replica through another, and continues from its watermark after a restart', async () => {
      const ALICE = deployment.address('alice');
      const alice = deployment.client('alice');
      const inbox = [new ews.FolderId(ews.WellKnownFolderName.Inbox)];
      const subscription = await alice.SubscribeToPullNotifications(inbox, 10, null as unknown as string, ews.EventType.NewMail);
      const second = await deployment.kafka.startService('ews-gateway', 'ews-gateway-notify');
      const onSecond = deployment.kafka.as(ALICE, second.base);

      await submitMail(deployment, 'bob', ALICE, 'Before the restart');
      // The second replica reads the subscription the first made, from the same watermark.
      let seen: ews.ItemEvent[] = [];
      for (const started = Date.now(); seen.length === 0 && Date.now() - started < 5_000;) {
        seen = (await onSecond.GetEvents(subscription.Id, subscription.Watermark)).ItemEvents;
        if (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await newMailSubjects(onSecond, seen)).toEqual(['Before the restart']);
      const first = await eventsUntil(subscription, (events) => events.length > 0);
      expect(await newMailSubjects(alice, first.events)).toEqual(['Before the restart']);

      // The first replica goes away; mail arrives meanwhile (the second replica's consumer journals it).
      const gateway = deployment.kafka.services['ews-gateway'];
      await gateway.proc.stop();
      await submitMail(deployment, 'carol', ALICE, 'During the restart');
      await deployment.kafka.restartService(gateway);
      const after = await eventsUntil(subscription, (events) => events.length > 0, 15_000);
      expect(await newMailSubjects(alice, after.events)).toEqual(['During the restart']);
      await subscription.Unsubscribe();
      await second.proc.stop();
    }, 120_000);
  });

  describe('the OOF read model of a second gateway replica', () => {
    const settingsOf = (text: string) => oofSettings(ews.OofState.Enabled, ews.OofExternalAudience.All, text);

    it('starts from the compacted topic, then sees a write made through the first replica within a second or two', async () => {
      const CAROL = deployment.address('carol');
      const carol = deployment.client('carol');
      // Written before the second replica exists: it must learn it from the topic at start.
      await carol.SetUserOofSettings(CAROL, settingsOf('written before the second gateway started'));

      const second = await deployment.kafka.startService('ews-gateway', 'ews-gateway-2');
      const readiness = (await (await fetch(`${second.base}/readyz`)).json()) as { checks: Record<string, { ok: boolean }> };
      expect(readiness.checks['oof-read-model']).toEqual({ ok: true });

      const onSecond = deployment.kafka.as(CAROL, second.base);
      expect((await onSecond.GetUserOofSettings(CAROL)).InternalReply.Message).toBe('written before the second gateway started');

      await carol.SetUserOofSettings(CAROL, settingsOf('written through the first gateway'));
      const written = Date.now();
      let seen = '';
      while (Date.now() - written < 2_000) {
        seen = (await onSecond.GetUserOofSettings(CAROL)).InternalReply.Message;
        if (seen === 'written through the first gateway') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(seen).toBe('written through the first gateway');
    }, 120_000);

    it('keeps calendar.oof.changed.v1 log-compacted', async () => {
      const kafka = new Kafka({
        clientId: `e2e-${deployment.kafka.run}`,
        brokers: deployment.kafka.broker.brokers.split(','),
        logLevel: logLevel.NOTHING,
      });
      const kafkaAdmin = kafka.admin();
      await kafkaAdmin.connect();
      try {
        const { resources } = await kafkaAdmin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: 'calendar.oof.changed.v1', configNames: ['cleanup.policy'] }],
        });
        expect(resources[0].configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue).toBe('compact');
      } finally {
        await kafkaAdmin.disconnect();
      }
    });
  });
});
