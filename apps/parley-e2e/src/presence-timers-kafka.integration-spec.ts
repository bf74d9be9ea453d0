// calendar-sync's durable timers across a crash, in the distributed deployment: settings and
// meetings written through the real EWS client (ews-javascript-api) and the gateway, calendar-sync
// SIGKILLed before their transitions fall due and restarted after, and what any consumer of the
// presence-source topics sees, read from Kafka. One outage serves every case, so the suite takes
// seconds of wall time beyond the deployment's start.
import { CalendarPresenceStateChanged, OofEffectiveChanged, Topics } from '@parley/contracts';
import * as ews from 'ews-javascript-api';
import { KafkaDeployment, startKafkaDeployment, StartedService } from './kafka-deployment';
import { oofSettings } from './ews-oof.scenarios';
import { RecordedEvent, TopicRecorder } from './topic-recorder';

/** When the outage's transitions fall due, after the writes (EWS sends whole seconds). */
const LEAD_MS = 8_000;
/** How long after T0 the windows and the meeting close: past calendar-sync's restart (about 10 s: its consumer group waits out the killed member). */
const OPEN_MS = 18_000;
/** How late an on-time transition may be evaluated (the poller wakes at the due instant) and reach a consumer (outbox relay, Kafka). */
const EVALUATED_WITHIN_MS = 1_000;
const RECEIVED_WITHIN_MS = 2_000;

const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

describe('calendar-sync SIGKILLed across scheduled presence transitions (four processes over Kafka)', () => {
  let d: KafkaDeployment;
  let recorder: TopicRecorder;
  let calendarSync: StartedService;
  // The timeline, set by the first case.
  let t0 = 0;
  let t1 = 0;
  let killedAt = 0;
  let restartedAt = 0;
  let who: Record<'alice' | 'bob' | 'carol' | 'dave', string>;

  const oof = (mailbox: string) => recorder.distinct<OofEffectiveChanged>(Topics.oofEffectiveChanged, mailbox);
  const calendar = (mailbox: string) => recorder.distinct<CalendarPresenceStateChanged>(Topics.calendarPresenceStateChanged, mailbox);
  const at = (e: RecordedEvent<{ effectiveAt: string }>) => Date.parse(e.envelope.payload.effectiveAt);

  async function scheduleOof(user: string, start: number, end: number, message: string): Promise<void> {
    const settings = oofSettings(ews.OofState.Scheduled, ews.OofExternalAudience.All, message);
    settings.Duration = new ews.TimeWindow(new ews.DateTime(start), new ews.DateTime(end));
    await d.as(user).SetUserOofSettings(user, settings);
  }

  beforeAll(async () => {
    d = await startKafkaDeployment({ prefix: 'e2e-timers', users: ['alice', 'bob', 'carol', 'dave'] });
    who = { alice: d.address('alice'), bob: d.address('bob'), carol: d.address('carol'), dave: d.address('dave') };
    calendarSync = d.services['calendar-sync'];
    recorder = await TopicRecorder.start(d.broker.brokers, [Topics.oofEffectiveChanged, Topics.calendarPresenceStateChanged]);
  }, 240_000);

  afterAll(async () => {
    await recorder?.stop().catch(() => undefined);
    await d?.stop();
  }, 120_000);

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

    const opened = await recorder.next<OofEffectiveChanged>(Topics.oofEffectiveChanged, who.dave, (p) => p.active, t0 - 1_000 - Date.now());
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
