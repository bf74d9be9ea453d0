// The SIP front (docs/sip.md) end to end, with real clients in Node: JsSIP registers, watches presence
// and message-summary and exchanges MESSAGEs; sip.js's Publisher PUBLISHes (JsSIP has no PUBLISH).
// Around them, the other ways into the same engine: a JSON-protocol client (presence-socket-client.ts),
// EWS (ews-javascript-api) for OOF, a meeting and reading a voicemail, and SMTP for depositing one.
// The watchers (SIP and JSON) are on replica A, the users they watch on replica B, so in the Kafka
// deployment every change crosses the replicas. Waits are bounded at 10 s (15 s from an SMTP
// deposit): promptness is the presence spec's concern, arrival is this one's.
import { basicAuthorization, umVoicemailMail, wavRecording } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import nodemailer from 'nodemailer';
import { oofSettings } from './ews-oof.scenarios';
import { PresenceSocketClient, ServerMessage } from './presence-socket-client';
import { clientPidf, JsSipUser, Notified, readMessageSummary, readPidf, SipJsPublisher, SipWatch } from './sip-clients';
import type { Replica, SipDeployment, SipUser } from './sip-deployment';

const SECOND = 1_000;
const PIDF = 'application/pidf+xml';
const MESSAGE_SUMMARY = 'application/simple-message-summary';
/** A whole second at least `ms` from now (EWS carries times to the second). */
const secondsAhead = (ms: number) => Math.ceil((Date.now() + ms) / SECOND) * SECOND;
const iso = (t: number) => new Date(t).toISOString();

/** The presence the JSON protocol reports, the fields these cases look at. */
interface JsonPresence {
  token: string;
  note: { kind: 'personal' | 'oof'; text: string } | null;
  oof: boolean;
}

/** The users the SIP watcher watches (`registrar` too, but it is registered before the watch starts). */
const WATCHED = ['registrar', 'publisher', 'json', 'oof', 'meeting'] as const satisfies readonly SipUser[];
type Watched = (typeof WATCHED)[number];

export function sipScenarios(deployment: () => SipDeployment): void {
  describe('SIP clients (JsSIP, sip.js) beside the JSON protocol, EWS and SMTP', () => {
    let d: SipDeployment;
    /** JsSIP on replica A, signed in as `watcher`, watching `WATCHED`. */
    let watcher: JsSipUser;
    /** A JSON-protocol client on replica A, signed in as `watcher` too. */
    let jsonWatcher: PresenceSocketClient;
    /** JsSIP on replica A, registered as `registrar` (the first case registers it); it exchanges IMs and watches its own voicemail lamp. */
    let registrar: JsSipUser;
    /** `json`'s JSON-protocol client on replica B (the state-change case connects it). */
    let json: PresenceSocketClient;
    const watches = {} as Record<Watched, SipWatch>;
    /** Everything started, stopped at the end whatever happened. */
    const stops: Array<() => Promise<unknown>> = [];

    const jsSip = async (user: SipUser, replica: Replica, register: boolean) => {
      const client = await JsSipUser.start(d.sipUrl(replica), d.address(user), d.password(user), { register });
      stops.push(() => client.stop());
      return client;
    };
    const jsonClient = async (user: SipUser, replica: Replica) => {
      const client = await PresenceSocketClient.connect(d.presenceUrl(replica), basicAuthorization(d.address(user), d.password(user)));
      stops.push(() => client.close());
      return client;
    };

    /** Waits, after `from`, for the SIP watcher's NOTIFY about `user` whose PIDF `matches`; returns it read. */
    async function sipWatcherSees(
      user: Watched,
      matches: (p: ReturnType<typeof readPidf>) => boolean,
      what: string,
      opts: { from?: number; timeoutMs?: number } = {},
    ) {
      const watch = watches[user];
      const found = await watch.next((n) => n.contentType === PIDF && matches(readPidf(n.body)), {
        from: opts.from,
        timeoutMs: opts.timeoutMs ?? 10 * SECOND,
        what: `the SIP watcher to see ${user} ${what}; it got:\n${watch.notified.map((n) => n.body).join('\n')}`,
      });
      return readPidf(found.body);
    }

    /** Waits, after `from`, for the JSON watcher's presence event about `user` that `matches`. */
    function jsonWatcherSees(user: SipUser, matches: (p: JsonPresence) => boolean, what: string, from: number) {
      return jsonWatcher.next(
        (m: ServerMessage) => m.type === 'presence' && m['mailbox'] === d.address(user) && matches(m['presence'] as JsonPresence),
        { from, timeoutMs: 10 * SECOND, what: `the JSON watcher to see ${user} ${what}` },
      );
    }

    beforeAll(async () => {
      d = deployment();
      watcher = await jsSip('watcher', 'A', false);
      jsonWatcher = await jsonClient('watcher', 'A');
      await jsonWatcher.request('subscribe', { targets: [d.address('registrar'), d.address('publisher')] });
    });

    afterAll(async () => {
      await Promise.all(stops.map((stop) => stop().catch(() => undefined)));
    }, 60_000);

    it('registers with digest over WebSocket (a wrong password gets 401), and the registered user shows Available to a JSON watcher', async () => {
      await expect(JsSipUser.start(d.sipUrl('A'), d.address('registrar'), 'not-the-password', { register: true })).rejects.toThrow(
        'registration refused: 401',
      );
      const mark = jsonWatcher.mark;
      registrar = await jsSip('registrar', 'A', true);
      await jsonWatcherSees('registrar', (p) => p.token === 'available', 'Available', mark);
    });

    it('subscribes to presence and gets the current state at once in the first NOTIFY (PIDF, active)', async () => {
      for (const user of WATCHED) watches[user] = watcher.subscribe(d.address(user), 'presence', PIDF);
      const first = await Promise.all(WATCHED.map((user) => watches[user].next(() => true, { what: `the first NOTIFY about ${user}` })));
      for (const [i, user] of WATCHED.entries()) {
        const notify: Notified = first[i];
        expect({ user, final: notify.final, state: notify.state, contentType: notify.contentType }).toEqual({
          user,
          final: false,
          state: expect.stringMatching(/^active;expires=\d+$/),
          contentType: PIDF,
        });
        const pidf = readPidf(notify.body);
        expect(pidf).toMatchObject({ entity: `pres:${d.address(user)}`, activities: [], notes: [] });
        // Registered: reachable. The others have no client connected yet: Offline.
        expect([user, pidf.basic]).toEqual([user, [user === 'registrar' ? 'open' : 'closed']]);
      }
    });

    it('shows a PUBLISH made with sip.js on replica B to the SIP watcher and the JSON watcher on A, and its removal', async () => {
      const sipMark = watches.publisher.mark;
      const jsonMark = jsonWatcher.mark;
      const publisher = await SipJsPublisher.start(d.sipUrl('B'), d.address('publisher'), d.password('publisher'));
      stops.push(() => publisher.stop());
      await publisher.publish(clientPidf(d.address('publisher'), { activity: 'away', note: 'Back in ten' }));

      const published = await sipWatcherSees('publisher', (p) => p.activities.includes('away'), 'away', { from: sipMark });
      expect(published).toMatchObject({ basic: ['open'], activities: ['away'], notes: ['Back in ten'] });
      await jsonWatcherSees(
        'publisher',
        (p) => p.token === 'away' && p.note?.kind === 'personal' && p.note.text === 'Back in ten',
        'away with the note',
        jsonMark,
      );

      const removedMark = watches.publisher.mark;
      const jsonRemovedMark = jsonWatcher.mark;
      await publisher.unpublish();
      // Still registered: Available, with neither the published state nor its note.
      const removed = await sipWatcherSees(
        'publisher',
        (p) => p.activities.length === 0 && p.notes.length === 0,
        'without the publication',
        {
          from: removedMark,
        },
      );
      expect(removed.basic).toEqual(['open']);
      await jsonWatcherSees('publisher', (p) => p.token === 'available' && p.note === null, 'Available again', jsonRemovedMark);
    });

    it('shows the SIP watcher on A what a JSON-protocol client on B sets: online, Do not disturb, a note', async () => {
      let mark = watches.json.mark;
      json = await jsonClient('json', 'B');
      await sipWatcherSees('json', (p) => p.basic[0] === 'open', 'online', { from: mark });

      mark = watches.json.mark;
      await json.request('set-state', { state: 'do-not-disturb' });
      // RPID has no "do not disturb": busy (docs/sip.md, the mapping table).
      expect(await sipWatcherSees('json', (p) => p.activities.includes('busy'), 'busy', { from: mark })).toMatchObject({
        basic: ['open'],
        activities: ['busy'],
      });

      mark = watches.json.mark;
      await json.request('set-note', { note: 'Heads down until 3' });
      expect(await sipWatcherSees('json', (p) => p.notes.length > 0, 'with the note', { from: mark })).toMatchObject({
        basic: ['open'],
        activities: ['busy'],
        notes: ['Heads down until 3'],
      });
    });

    it('shows OOF set through EWS as RPID vacation with the OOF message as the note, and its end', async () => {
      const mark = watches.oof.mark;
      const oof = d.address('oof');
      await d.ews('oof').SetUserOofSettings(oof, oofSettings(ews.OofState.Enabled, ews.OofExternalAudience.All, 'Back on Monday'));
      // No client connected: Offline, and OOF on.
      expect(await sipWatcherSees('oof', (p) => p.activities.includes('vacation'), 'out of office', { from: mark })).toEqual({
        entity: `pres:${oof}`,
        basic: ['closed'],
        activities: ['vacation'],
        until: undefined,
        notes: ['Back on Monday'],
      });

      const offMark = watches.oof.mark;
      await d.ews('oof').SetUserOofSettings(oof, oofSettings(ews.OofState.Disabled, ews.OofExternalAudience.All, 'Back on Monday'));
      expect(await sipWatcherSees('oof', (p) => !p.activities.includes('vacation'), 'back from OOF', { from: offMark })).toMatchObject({
        basic: ['closed'],
        activities: [],
        notes: [],
      });
    });

    it('shows a meeting created through EWS as RPID meeting and busy until its end, then the state before it', async () => {
      const mark = watches.meeting.mark;
      // (Saved after its start on a slow machine, it is in progress when calendar-sync reads it: the same states.)
      const start = secondsAhead(SECOND);
      const end = start + 3 * SECOND;
      const meeting = new ews.Appointment(d.ews('meeting'));
      meeting.Subject = 'Design review';
      meeting.Start = new ews.DateTime(start);
      meeting.End = new ews.DateTime(end);
      await meeting.Save(ews.SendInvitationsMode.SendToNone);

      const during = await sipWatcherSees('meeting', (p) => p.activities.includes('meeting'), 'in a meeting', {
        from: mark,
        timeoutMs: start - Date.now() + 10 * SECOND,
      });
      // The calendar makes the user Busy, connected or not: reachable as far as PIDF says.
      expect(during).toMatchObject({ basic: ['open'], activities: ['meeting', 'busy'], until: iso(end), notes: [] });

      const afterMark = watches.meeting.mark;
      const after = await sipWatcherSees('meeting', (p) => !p.activities.includes('meeting'), 'out of the meeting', {
        from: afterMark,
        timeoutMs: end - Date.now() + 10 * SECOND,
      });
      expect(after).toMatchObject({ basic: ['closed'], activities: [], notes: [] });
    });

    it('carries a MESSAGE from the JsSIP user on A to the JSON client on B, and an IM back as a MESSAGE', async () => {
      const toJson = json.mark;
      expect(await registrar.sendMessage(d.address('json'), 'Lunch at 12:30? (née café)')).toBe(200);
      const im = await json.next((m) => m.type === 'im', { from: toJson, what: 'the IM from the SIP user' });
      expect(im.message).toMatchObject({ from: d.address('registrar'), text: 'Lunch at 12:30? (née café)' });

      const toSip = registrar.messages.length;
      const ack = await json.request('send-im', {
        clientMessageId: 'to-sip-1',
        to: d.address('registrar'),
        text: 'Yes — at the usual place',
      });
      expect(ack).toMatchObject({ type: 'im-delivered', clientMessageId: 'to-sip-1' });
      const message = await registrar.nextMessage(() => true, { from: toSip });
      expect(message).toMatchObject({ from: `sip:${d.address('json')}`, body: 'Yes — at the usual place' });
      expect(message.contentType).toMatch(/^text\/plain/i);
    });

    it('answers a MESSAGE to a user with no connected client 480 Temporarily Unavailable', async () => {
      expect(await registrar.sendMessage(d.address('absent'), 'Are you there?')).toBe(480);
    });

    it('lights the message-waiting lamp (message-summary) after a voicemail deposit by SMTP, and puts it out once EWS marks it read', async () => {
      // The registered softphone watches its own mailbox's lamp.
      const owner = d.address('registrar');
      const lamp = registrar.subscribe(owner, 'message-summary', MESSAGE_SUMMARY);
      const summary = async (waiting: string, voice: string, from: number, timeoutMs: number) =>
        readMessageSummary(
          (
            await lamp.next(
              (n) => {
                const s = readMessageSummary(n.body);
                return s.waiting === waiting && s.voice === voice;
              },
              {
                from,
                timeoutMs,
                what: `message-summary ${waiting} ${voice}; got:\n${lamp.notified.map((n) => n.body).join('\n')}`,
              },
            )
          ).body,
        );
      expect(await summary('no', '0/0', 0, 10 * SECOND)).toEqual({ waiting: 'no', account: `sip:${owner}`, voice: '0/0' });
      expect(lamp.notified[0]).toMatchObject({ contentType: MESSAGE_SUMMARY, state: expect.stringMatching(/^active;expires=\d+$/) });

      // The PBX hands the recording to the trusted relay, as voicemail-ingest's SMTP front expects (docs/smtp.md).
      const deposited = lamp.mark;
      const relay = nodemailer.createTransport({ host: '127.0.0.1', port: d.smtpRelayPort, secure: false, ignoreTLS: true });
      try {
        const sent = await relay.sendMail({
          envelope: { from: 'pbx@pbx.e2e', to: [owner] },
          raw: umVoicemailMail({ from: 'pbx@pbx.e2e', to: owner, audio: wavRecording(16_044), callerName: 'SIP E2E' }),
        });
        expect(sent.accepted).toEqual([owner]);
      } finally {
        relay.close();
      }
      expect(await summary('yes', '1/0', deposited, 15 * SECOND)).toEqual({ waiting: 'yes', account: `sip:${owner}`, voice: '1/0' });

      const read = lamp.mark;
      const service = d.ews('registrar');
      const found = await service.FindItems(new ews.FolderId(ews.WellKnownFolderName.VoiceMail), new ews.ItemView(10));
      expect(found.Items).toHaveLength(1);
      const message = await ews.EmailMessage.Bind(service, found.Items[0].Id);
      expect(message.IsRead).toBe(false);
      message.IsRead = true;
      await message.Update(ews.ConflictResolutionMode.AutoResolve);
      expect(await summary('no', '0/1', read, 10 * SECOND)).toEqual({ waiting: 'no', account: `sip:${owner}`, voice: '0/1' });
    });
  });
}
