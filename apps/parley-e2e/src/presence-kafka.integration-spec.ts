// Presence's sources in the distributed deployment — the four services as separate processes over
// their own Kafka broker and PostgreSQL, two presence-bridge replicas — driven the way users drive
// them: out-of-office settings and meetings written through the real EWS client (ews-javascript-api)
// and the gateway; what every consumer of the presence-source topics sees is read from Kafka with
// the instant it arrived. Time-based changes are set a couple of seconds ahead and must show on
// time. Last, calendar-sync is SIGKILLed across scheduled transitions and restarted: each is then
// applied once. One deployment serves every case.
import { CalendarPresenceStateChanged, OofEffectiveChanged, Topics } from '@parley/contracts';
import * as ews from 'ews-javascript-api';
import { KafkaDeployment, startKafkaDeployment, StartedService } from './kafka-deployment';
import { oofSettings } from './ews-oof.scenarios';
import { RecordedEvent, TopicRecorder } from './topic-recorder';

const SECOND = 1_000;
const DAY = 86_400_000;
/** How late a transition due at T may be evaluated (the poller wakes at the due instant). */
const EVALUATED_WITHIN_MS = 1_000;
/** How late it may reach a consumer (evaluation, outbox relay, Kafka); the issue asks watchers to see OOF within 1 s. */
const ON_TIME_MS = 1_000;

/** When the outage's transitions fall due, after the writes (EWS sends whole seconds). */
const LEAD_MS = 8_000;
/** How long after T0 the outage case's windows and meeting close: past calendar-sync's restart (about 10 s: its consumer group waits out the killed member). */
const OPEN_MS = 18_000;
/** How late the outage case's closings may reach a consumer, the restarted process still settling. */
const RECEIVED_WITHIN_MS = 2_000;

const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));
/** A whole second at least `ms` from now (EWS carries times to the second). */
const secondsAhead = (ms: number) => Math.ceil((Date.now() + ms) / SECOND) * SECOND;

const USERS = ['oof', 'sched', 'meet', 'series', 'overlap', 'organizer', 'attendee', 'alice', 'bob', 'carol', 'dave'] as const;
type User = (typeof USERS)[number];

describe('presence sources over Kafka (four services, two presence-bridge replicas)', () => {
  let d: KafkaDeployment;
  let recorder: TopicRecorder;
  let who: Record<User, string>;

  const oof = (mailbox: string) => recorder.distinct<OofEffectiveChanged>(Topics.oofEffectiveChanged, mailbox);
  const calendar = (mailbox: string) => recorder.distinct<CalendarPresenceStateChanged>(Topics.calendarPresenceStateChanged, mailbox);
  const at = (e: RecordedEvent<{ effectiveAt: string }>) => Date.parse(e.envelope.payload.effectiveAt);
  const client = (user: User) => d.as(who[user]);

  async function scheduleOof(user: string, start: number, end: number, message: string): Promise<void> {
    const settings = oofSettings(ews.OofState.Scheduled, ews.OofExternalAudience.All, message);
    settings.Duration = new ews.TimeWindow(new ews.DateTime(start), new ews.DateTime(end));
    await d.as(user).SetUserOofSettings(user, settings);
  }

  async function book(user: User, start: number, end: number, attendees: string[] = []): Promise<ews.Appointment> {
    const meeting = new ews.Appointment(client(user));
    meeting.Subject = 'Quarterly numbers';
    meeting.Start = new ews.DateTime(start);
    meeting.End = new ews.DateTime(end);
    for (const attendee of attendees) meeting.RequiredAttendees.Add(attendee);
    await meeting.Save(attendees.length ? ews.SendInvitationsMode.SendToAllAndSaveCopy : ews.SendInvitationsMode.SendToNone);
    return meeting;
  }

  /** Waits for the calendar state event of `mailbox` that `matches`, and checks that it came on time for `due`. */
  async function calendarOnTime(mailbox: string, due: number, matches: (p: CalendarPresenceStateChanged) => boolean) {
    const e = await recorder.next<CalendarPresenceStateChanged>(
      Topics.calendarPresenceStateChanged,
      mailbox,
      matches,
      due - Date.now() + 10 * SECOND,
    );
    expect(at(e)).toBeGreaterThanOrEqual(due);
    expect(at(e) - due).toBeLessThan(EVALUATED_WITHIN_MS);
    expect(e.receivedAt - due).toBeLessThan(ON_TIME_MS);
    return e;
  }

  async function oofOnTime(mailbox: string, due: number, matches: (p: OofEffectiveChanged) => boolean) {
    const e = await recorder.next<OofEffectiveChanged>(Topics.oofEffectiveChanged, mailbox, matches, due - Date.now() + 10 * SECOND);
    expect(at(e)).toBeGreaterThanOrEqual(due);
    expect(at(e) - due).toBeLessThan(EVALUATED_WITHIN_MS);
    expect(e.receivedAt - due).toBeLessThan(ON_TIME_MS);
    return e;
  }

  beforeAll(async () => {
    d = await startKafkaDeployment({ prefix: 'e2e-presence', users: [...USERS], presenceReplicas: 2 });
    who = Object.fromEntries(USERS.map((u) => [u, d.address(u)])) as Record<User, string>;
    recorder = await TopicRecorder.start(d.broker.brokers, [Topics.oofEffectiveChanged, Topics.calendarPresenceStateChanged]);
  }, 240_000);

  afterAll(async () => {
    await recorder?.stop().catch(() => undefined);
    await d?.stop();
  }, 120_000);

  it('runs two presence-bridge replicas, each with its own port and instance id', () => {
    const [a, b] = d.presenceBridges;
    expect(d.presenceBridges).toHaveLength(2);
    expect(a.base).not.toBe(b.base);
    expect(a.instanceId).not.toBe(b.instanceId);
    expect([a.wsUrl, b.wsUrl]).toEqual([`${a.base.replace('http:', 'ws:')}/presence`, `${b.base.replace('http:', 'ws:')}/presence`]);
  });

  describe('as time passes', () => {
    it('switches OOF on with its message within a second of an EWS SetUserOofSettings (Enabled)', async () => {
      const sent = Date.now();
      await client('oof').SetUserOofSettings(
        who.oof,
        oofSettings(ews.OofState.Enabled, ews.OofExternalAudience.All, 'At the dentist until noon'),
      );
      const on = await recorder.next<OofEffectiveChanged>(Topics.oofEffectiveChanged, who.oof, (p) => p.active, 10 * SECOND);
      expect(on.envelope.payload).toMatchObject({ active: true, internalReply: 'At the dentist until noon', until: null });
      expect(on.receivedAt - sent).toBeLessThan(ON_TIME_MS);
    });

    it('switches a Scheduled OOF starting 2 s ahead on and off on time', async () => {
      const start = secondsAhead(2 * SECOND);
      const end = start + 3 * SECOND;
      await scheduleOof(who.sched, start, end, 'On a train');
      expect(oof(who.sched).filter((e) => e.envelope.payload.active)).toEqual([]);
      const on = await oofOnTime(who.sched, start, (p) => p.active);
      expect(on.envelope.payload).toMatchObject({ internalReply: 'On a train', until: new Date(end).toISOString() });
      await oofOnTime(who.sched, end, (p) => !p.active);
      expect(oof(who.sched).map((e) => e.envelope.payload.active)).toEqual([true, false]);
    });

    it('shows a meeting created through EWS 2 s ahead as busy at its start, until its end, then free', async () => {
      const start = secondsAhead(2 * SECOND);
      const end = start + 3 * SECOND;
      await book('meet', start, end);
      const busy = await calendarOnTime(who.meet, start, (p) => p.state === 'busy');
      expect(busy.envelope.payload.until).toBe(new Date(end).toISOString());
      await calendarOnTime(who.meet, end, (p) => p.state === 'free');
      expect(calendar(who.meet).map((e) => e.envelope.payload.state)).toEqual(['busy', 'free']);
    });

    it("shows today's occurrence of a daily series that began yesterday: busy at its start, until that occurrence's end", async () => {
      const start = secondsAhead(2 * SECOND);
      const end = start + 3 * SECOND;
      const series = new ews.Appointment(client('series'));
      series.Subject = 'Daily stand-up';
      series.Start = new ews.DateTime(start - DAY);
      series.End = new ews.DateTime(end - DAY);
      // (The typings only declare the no-argument constructor.)
      const daily = new ews.Recurrence.DailyPattern();
      daily.StartDate = new ews.DateTime(start - DAY);
      daily.Interval = 1;
      daily.NumberOfOccurrences = 5;
      series.Recurrence = daily;
      await series.Save(ews.SendInvitationsMode.SendToNone);
      const busy = await calendarOnTime(who.series, start, (p) => p.state === 'busy');
      expect(busy.envelope.payload.until).toBe(new Date(end).toISOString());
      await calendarOnTime(who.series, end, (p) => p.state === 'free');
      expect(calendar(who.series).map((e) => e.envelope.payload.state)).toEqual(['busy', 'free']);
    });

    it('merges two overlapping meetings into one busy block until the later end, with nothing published where they overlap', async () => {
      const start = secondsAhead(2 * SECOND);
      await book('overlap', start, start + 4 * SECOND);
      await book('overlap', start + 2 * SECOND, start + 6 * SECOND);
      const busy = await calendarOnTime(who.overlap, start, (p) => p.state === 'busy');
      expect(busy.envelope.payload.until).toBe(new Date(start + 6 * SECOND).toISOString());
      await calendarOnTime(who.overlap, start + 6 * SECOND, (p) => p.state === 'free');
      expect(calendar(who.overlap).map((e) => e.envelope.payload.state)).toEqual(['busy', 'free']);
    });

    it('frees the organizer and the attendee at once when a running meeting is cancelled', async () => {
      const start = secondsAhead(2 * SECOND);
      const meeting = await book('organizer', start, start + 60 * SECOND, [who.attendee]);
      // The attendee accepts (an invitation is Tentative until then, which does not make anyone busy).
      const view = new ews.CalendarView(new ews.DateTime(start - SECOND), new ews.DateTime(start + 61 * SECOND));
      const [invitation] = (await client('attendee').FindAppointments(ews.WellKnownFolderName.Calendar, view)).Items;
      await (await ews.Appointment.Bind(client('attendee'), invitation.Id)).Accept(true);
      await calendarOnTime(who.organizer, start, (p) => p.state === 'busy');
      await calendarOnTime(who.attendee, start, (p) => p.state === 'busy');

      await sleepUntil(start + 2 * SECOND);
      const cancelled = Date.now();
      await meeting.Delete(ews.DeleteMode.MoveToDeletedItems, ews.SendCancellationsMode.SendToAllAndSaveCopy);
      for (const mailbox of [who.organizer, who.attendee]) {
        const free = await recorder.next<CalendarPresenceStateChanged>(
          Topics.calendarPresenceStateChanged,
          mailbox,
          (p) => p.state === 'free',
          10 * SECOND,
        );
        expect(free.receivedAt - cancelled).toBeLessThan(ON_TIME_MS);
        expect(calendar(mailbox).map((e) => e.envelope.payload.state)).toEqual(['busy', 'free']);
      }
    });
  });

  describe('calendar-sync SIGKILLed across scheduled transitions', () => {
    let calendarSync: StartedService;
    // The timeline, set by the first case.
    let t0 = 0;
    let t1 = 0;
    let killedAt = 0;
    let restartedAt = 0;

    beforeAll(() => {
      calendarSync = d.services['calendar-sync'];
    });

    it('fires a transition due while calendar-sync runs, then is SIGKILLed before the next ones', async () => {
      t0 = Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000;
      t1 = t0 + OPEN_MS;
      // dave's window opens before the crash; alice's and bob's transitions fall due during it; carol's
      // window opens and closes during it.
      await scheduleOof(who.dave, t0 - 3_000, t1, 'dave is away');
      await scheduleOof(who.alice, t0, t1, 'alice is away');
      await scheduleOof(who.carol, t0, t0 + 1_000, 'carol is away briefly');
      const meeting = new ews.Appointment(d.as(who.bob));
      meeting.Subject = 'Planning';
      meeting.Start = new ews.DateTime(t0);
      meeting.End = new ews.DateTime(t1);
      await meeting.Save(ews.SendInvitationsMode.SendToNone);
      expect(Date.now()).toBeLessThan(t0 - 3_000); // the writes were done before the first transition

      const opened = await recorder.next<OofEffectiveChanged>(
        Topics.oofEffectiveChanged,
        who.dave,
        (p) => p.active,
        t0 - 1_000 - Date.now(),
      );
      expect(at(opened)).toBeGreaterThanOrEqual(t0 - 3_000);
      await calendarSync.proc.kill();
      killedAt = Date.now();
      expect(killedAt).toBeLessThan(t0);
      expect(oof(who.alice).some((e) => e.envelope.payload.active)).toBe(false);
      expect(calendar(who.bob).some((e) => e.envelope.payload.state === 'busy')).toBe(false);
    }, 30_000);

    it('publishes the transitions that fell due during the outage once, at restart', async () => {
      await sleepUntil(t0 + 2_000);
      // Nothing fires while calendar-sync is down.
      expect(oof(who.alice).some((e) => e.envelope.payload.active)).toBe(false);
      expect(calendar(who.bob).some((e) => e.envelope.payload.state === 'busy')).toBe(false);

      restartedAt = Date.now();
      calendarSync = await d.restartService(calendarSync);
      const aliceOn = await recorder.next<OofEffectiveChanged>(Topics.oofEffectiveChanged, who.alice, (p) => p.active, 15_000);
      const bobBusy = await recorder.next<CalendarPresenceStateChanged>(
        Topics.calendarPresenceStateChanged,
        who.bob,
        (p) => p.state === 'busy',
        15_000,
      );
      // Evaluated after the restart: the state of that instant, with the window's and the meeting's end.
      expect(at(aliceOn)).toBeGreaterThanOrEqual(restartedAt);
      expect(aliceOn.envelope.payload).toMatchObject({
        active: true,
        internalReply: 'alice is away',
        until: new Date(t1).toISOString(),
        revision: 1,
      });
      expect(at(bobBusy)).toBeGreaterThanOrEqual(restartedAt);
      expect(bobBusy.envelope.payload).toMatchObject({ state: 'busy', until: new Date(t1).toISOString() });
      // Still inside the windows: the closing transitions are yet to come.
      expect(Date.now()).toBeLessThan(t1 - 1_000);
    }, 60_000);

    it('leaves no event for a window that opened and closed during the outage', () => {
      expect(oof(who.carol).filter((e) => e.envelope.payload.active)).toEqual([]);
    });

    it('fires the closing transitions on time after the restart, and every transition exactly once', async () => {
      await sleepUntil(t1 + RECEIVED_WITHIN_MS + 500);
      for (const mailbox of [who.alice, who.dave]) {
        const events = oof(mailbox);
        const on = events.filter((e) => e.envelope.payload.active);
        const off = events.filter((e) => !e.envelope.payload.active && at(e) >= t1);
        expect([mailbox, on.length, off.length]).toEqual([mailbox, 1, 1]);
        expect(at(off[0]) - t1).toBeLessThan(EVALUATED_WITHIN_MS);
        expect(off[0].receivedAt - t1).toBeLessThan(RECEIVED_WITHIN_MS);
        expect(off[0].envelope.payload.sequence).toBeGreaterThan(on[0].envelope.payload.sequence);
        expect(off[0].envelope.payload.until).toBeNull();
      }
      const bob = calendar(who.bob);
      const busy = bob.filter((e) => e.envelope.payload.state === 'busy');
      const free = bob.filter((e) => e.envelope.payload.state === 'free' && at(e) >= t1);
      expect([busy.length, free.length]).toEqual([1, 1]);
      expect(at(free[0]) - t1).toBeLessThan(EVALUATED_WITHIN_MS);
      expect(free[0].receivedAt - t1).toBeLessThan(RECEIVED_WITHIN_MS);
      expect(free[0].envelope.payload.sequence).toBeGreaterThan(busy[0].envelope.payload.sequence);
      // Nothing else for carol either, now that her window is long closed.
      expect(oof(who.carol).filter((e) => e.envelope.payload.active)).toEqual([]);
    }, 60_000);
  });
});
