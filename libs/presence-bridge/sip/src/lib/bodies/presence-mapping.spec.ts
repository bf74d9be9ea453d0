import {
  activityTokens,
  aggregatePresence,
  Availability,
  availabilityToken,
  availabilityTokens,
  defaultPresencePolicy,
  noSources,
  offlineView,
  userStates,
  viewFor,
  type AvailabilityToken,
  type PresenceSources,
  type UserStateName,
} from '@parley/presence-bridge/presence-engine';
import { clientMessageSchema } from '@parley/presence-bridge/protocol';
import {
  parsePidf,
  pidfFromPresence,
  pidfFromPublication,
  PIDF_NS,
  presenceFromPidf,
  presEntity,
  publicationFromPidf,
  SipBodyError,
  SipBodyErrorCode,
  writePidf,
  type ParleyPresenceState,
  type PidfDocument,
  type PidfPresence,
  type PresencePublication,
} from '../../index';

const ALICE = 'sip:alice@parley.test';
const NOW = Date.parse('2026-12-03T09:00:00Z');
const MIN = 60_000;

/** Through the wire: the document is written and parsed again, as a watcher would. */
const wire = (doc: PidfDocument) => parsePidf(writePidf(doc));
const roundTrip = (view: PidfPresence) => presenceFromPidf(wire(pidfFromPresence(ALICE, view)));

/** The document with its Parley extension changed. */
function patchExtension(doc: PidfDocument, patch: Partial<ParleyPresenceState>): PidfDocument {
  const [person] = doc.persons;
  if (person?.parley == null) throw new Error('the document has no Parley extension');
  return { ...doc, persons: [{ ...person, parley: { ...person.parley, ...patch } }] };
}

const pick = (v: PidfPresence): PidfPresence => ({
  availability: v.availability,
  token: v.token,
  activity: v.activity,
  note: v.note,
  oof: v.oof,
  calendar: v.calendar,
  lastActiveAt: v.lastActiveAt,
});

/** The engine's view of sources at NOW, as a watcher sees it. */
function engineView(sources: Partial<PresenceSources>): PidfPresence {
  const view = aggregatePresence({ ...noSources, ...sources }, NOW, defaultPresencePolicy);
  return pick(viewFor({ mailbox: 'bob@parley.test' }, 'alice@parley.test', view, false));
}

const endpoint = (idleMinutes: number) => ({ endpointId: `e${idleMinutes}`, label: 'phone', lastActivityAt: NOW - idleMinutes * MIN });

/** Every kind of state the engine produces: each source alone and the combinations that change the result. */
const ENGINE_STATES: Record<string, Partial<PresenceSources>> = {
  offline: {},
  available: { endpoints: [endpoint(0)] },
  'available, idle': { endpoints: [endpoint(6)] },
  'away from the machine': { endpoints: [endpoint(20)] },
  'in a meeting': { endpoints: [endpoint(0)], calendar: { status: 'busy', until: NOW + 30 * MIN } },
  'in a meeting, idle': { endpoints: [endpoint(6)], calendar: { status: 'busy', until: NOW + 30 * MIN } },
  'in an open-ended meeting': { endpoints: [endpoint(0)], calendar: { status: 'busy', until: null } },
  'tentative meeting (free)': { endpoints: [endpoint(0)], calendar: { status: 'tentative', until: NOW + 30 * MIN } },
  'calendar out of office': { endpoints: [endpoint(0)], calendar: { status: 'out-of-office', until: NOW + 24 * 60 * MIN } },
  'on the phone': { endpoints: [endpoint(0)], phone: { state: 'in-a-call' } },
  'in a conference': { endpoints: [endpoint(0)], phone: { state: 'in-a-conference' } },
  'OOF on with a message': { endpoints: [endpoint(0)], oof: { active: true, message: 'On leave until Monday' } },
  'OOF on without a message, personal note': { endpoints: [endpoint(0)], oof: { active: true, message: null }, personalNote: 'Paris' },
  'OOF on, in a meeting, offline machine': {
    endpoints: [endpoint(20)],
    oof: { active: true, message: 'Away' },
    calendar: { status: 'busy', until: NOW + 10 * MIN },
  },
  'OOF off, personal note': { endpoints: [endpoint(0)], oof: { active: false, message: 'Away' }, personalNote: '  In Paris this week ' },
  'offline with OOF and a note': { oof: { active: true, message: 'Gone fishing' }, personalNote: 'x' },
  ...Object.fromEntries(
    userStates.map((state) => [
      `user state ${state}`,
      { endpoints: [endpoint(0)], userState: { state, expiresAt: NOW + 60 * MIN }, personalNote: `note for ${state}` },
    ]),
  ),
  'user state busy over a meeting': {
    endpoints: [endpoint(0)],
    userState: { state: 'busy', expiresAt: null },
    calendar: { status: 'busy', until: NOW + 30 * MIN },
  },
};

describe('Parley presence → PIDF → Parley presence', () => {
  it.each(Object.entries(ENGINE_STATES))('is lossless for %s', (_name, sources) => {
    const view = engineView(sources);
    expect(roundTrip(view)).toEqual(view);
  });

  it('is lossless for every combination of token, activity, OOF, note, calendar and idle time the view can hold', () => {
    const notes = [null, { kind: 'personal' as const, text: 'Lunch & learn <today>' }, { kind: 'oof' as const, text: 'Out\nuntil Monday' }];
    const calendars = [
      null,
      { state: 'in-a-meeting' as const, until: '2026-12-03T10:00:00.000Z' },
      { state: 'out-of-office' as const, until: null },
    ];
    let checked = 0;
    for (const token of availabilityTokens)
      for (const activity of [null, ...activityTokens])
        for (const oof of [false, true])
          for (const note of notes)
            for (const calendar of calendars)
              for (const lastActiveAt of [null, '2026-12-03T08:40:00.000Z']) {
                const view: PidfPresence = { availability: Availability.busy + 1, token, activity, note, oof, calendar, lastActiveAt };
                expect(roundTrip(view)).toEqual(view);
                checked++;
              }
    expect(checked).toBe(availabilityTokens.length * (activityTokens.length + 1) * 2 * 3 * 3 * 2);
  });

  it('is lossless for the view a blocked watcher gets', () => {
    expect(roundTrip(pick(offlineView()))).toEqual(pick(offlineView()));
  });
});

/** The standard part of the document: what a client without Parley's extension reads. */
function standard(view: PidfPresence) {
  const doc = wire(pidfFromPresence(ALICE, view));
  return {
    basic: doc.tuples.map((t) => t.basic),
    activities: doc.persons[0].activities?.activities ?? [],
    until: doc.persons[0].activities?.until ?? null,
    note: doc.notes.map((n) => n.text),
    idleSince: doc.persons[0].userInput?.lastInput ?? null,
  };
}

describe('what a standard SIP watcher sees (docs/sip.md, "Presence mapping")', () => {
  it.each<[string, Partial<PresenceSources>, { basic: string; activities: string[]; note: string[] }]>([
    ['offline', {}, { basic: 'closed', activities: [], note: [] }],
    ['available', ENGINE_STATES['available'], { basic: 'open', activities: [], note: [] }],
    ['available, idle', ENGINE_STATES['available, idle'], { basic: 'open', activities: [], note: [] }],
    ['away from the machine', ENGINE_STATES['away from the machine'], { basic: 'open', activities: ['away'], note: [] }],
    ['in a meeting', ENGINE_STATES['in a meeting'], { basic: 'open', activities: ['meeting', 'busy'], note: [] }],
    ['on the phone', ENGINE_STATES['on the phone'], { basic: 'open', activities: ['on-the-phone', 'busy'], note: [] }],
    ['in a conference', ENGINE_STATES['in a conference'], { basic: 'open', activities: ['on-the-phone', 'busy'], note: [] }],
    ['calendar out of office', ENGINE_STATES['calendar out of office'], { basic: 'open', activities: ['vacation', 'away'], note: [] }],
    ['OOF on', ENGINE_STATES['OOF on with a message'], { basic: 'open', activities: ['vacation'], note: ['On leave until Monday'] }],
    [
      'OOF on without a message',
      ENGINE_STATES['OOF on without a message, personal note'],
      { basic: 'open', activities: ['vacation'], note: ['Paris'] },
    ],
    [
      'OOF on during a meeting',
      ENGINE_STATES['OOF on, in a meeting, offline machine'],
      { basic: 'open', activities: ['meeting', 'vacation', 'busy'], note: ['Away'] },
    ],
    ['OOF off', ENGINE_STATES['OOF off, personal note'], { basic: 'open', activities: [], note: ['In Paris this week'] }],
    [
      'OOF while offline',
      ENGINE_STATES['offline with OOF and a note'],
      { basic: 'closed', activities: ['vacation'], note: ['Gone fishing'] },
    ],
    ['busy (set)', ENGINE_STATES['user state busy'], { basic: 'open', activities: ['busy'], note: ['note for busy'] }],
    [
      'do not disturb',
      ENGINE_STATES['user state do-not-disturb'],
      { basic: 'open', activities: ['busy'], note: ['note for do-not-disturb'] },
    ],
    ['be right back', ENGINE_STATES['user state be-right-back'], { basic: 'open', activities: ['away'], note: ['note for be-right-back'] }],
    ['away (set)', ENGINE_STATES['user state away'], { basic: 'open', activities: ['away'], note: ['note for away'] }],
    ['off work', ENGINE_STATES['user state off-work'], { basic: 'open', activities: ['away'], note: ['note for off-work'] }],
    ['appear offline', ENGINE_STATES['user state appear-offline'], { basic: 'closed', activities: [], note: ['note for appear-offline'] }],
  ])('%s', (_name, sources, expected) => {
    const seen = standard(engineView(sources));
    expect({ basic: seen.basic[0], activities: seen.activities, note: seen.note }).toEqual(expected);
  });

  it("puts the meeting's end in `until` and the last input in `user-input`", () => {
    expect(standard(engineView(ENGINE_STATES['in a meeting'])).until).toBe(NOW + 30 * MIN);
    expect(standard(engineView(ENGINE_STATES['in an open-ended meeting'])).until).toBeNull();
    expect(standard(engineView(ENGINE_STATES['available, idle'])).idleSince).toBe(NOW - 6 * MIN);
    expect(standard(engineView(ENGINE_STATES['available'])).idleSince).toBeNull();
  });

  it('names the presentity by its pres: URI and the tuple contact by its SIP URI', () => {
    const doc = pidfFromPresence('sip:alice@parley.test', engineView({}));
    expect([doc.entity, doc.tuples[0].contact]).toEqual(['pres:alice@parley.test', 'sip:alice@parley.test']);
    expect(presEntity('sips:bob@parley.test;transport=tls')).toBe('pres:bob@parley.test');
    expect(presEntity('carol@parley.test')).toBe('pres:carol@parley.test');
  });
});

describe('a document without Parley extension (another server, a client) as Parley presence', () => {
  const withoutExtension = (doc: PidfDocument): PidfDocument => ({ ...doc, persons: doc.persons.map((p) => ({ ...p, parley: null })) });
  const nearest = (sources: Partial<PresenceSources>) =>
    presenceFromPidf(withoutExtension(wire(pidfFromPresence(ALICE, engineView(sources)))));

  it('keeps the token where RPID can say it, with its canonical number', () => {
    const cases: [string, AvailabilityToken][] = [
      ['offline', 'offline'],
      ['available', 'available'],
      ['available, idle', 'available-idle'],
      ['in a meeting', 'busy'],
      ['in a meeting, idle', 'busy-idle'],
      ['away from the machine', 'away'],
    ];
    for (const [name, token] of cases) {
      const seen = nearest(ENGINE_STATES[name]);
      expect([name, seen.token, seen.availability]).toEqual([name, token, engineView(ENGINE_STATES[name]).availability]);
    }
    expect(nearest(ENGINE_STATES['in a meeting'])).toMatchObject({ activity: 'in-a-meeting', calendar: { state: 'in-a-meeting' } });
    expect(nearest(ENGINE_STATES['OOF on with a message'])).toMatchObject({
      oof: true,
      activity: 'out-of-office',
      note: { kind: 'oof', text: 'On leave until Monday' },
    });
  });

  it("uses the engine's canonical number for each token the extension names without a number", () => {
    const canonical: Record<AvailabilityToken, number> = {
      available: Availability.available,
      'available-idle': Availability.availableIdle,
      busy: Availability.busy,
      'busy-idle': Availability.busyIdle,
      'do-not-disturb': Availability.doNotDisturb,
      'be-right-back': Availability.beRightBack,
      away: Availability.away,
      offline: Availability.offline,
    };
    for (const token of availabilityTokens) {
      const doc = wire(pidfFromPresence(ALICE, { ...pick(offlineView()), token }));
      const seen = presenceFromPidf(patchExtension(doc, { availability: null }));
      expect([token, seen.availability, availabilityToken(seen.availability)]).toEqual([token, canonical[token], token]);
    }
  });

  it('refuses extension values Parley does not know', () => {
    const doc = wire(pidfFromPresence(ALICE, engineView({})));
    expect(() => presenceFromPidf(patchExtension(doc, { token: 'sleepy' }))).toThrow(SipBodyError);
  });
});

describe('PUBLISH → the user state and note', () => {
  const publications: PresencePublication[] = [
    { state: null, expiresAt: null, note: null },
    { state: null, expiresAt: null, note: 'In Paris this week' },
    ...userStates.flatMap((state) => [
      { state, expiresAt: null, note: null },
      { state, expiresAt: NOW + 90 * MIN, note: `${state} & more <b>` },
    ]),
  ];

  it.each(publications.map((p) => [`${p.state ?? 'no state'}${p.expiresAt ? ' until' : ''}${p.note ? ' with a note' : ''}`, p]))(
    'is lossless for %s',
    (_name, publication) => {
      expect(publicationFromPidf(wire(pidfFromPublication(ALICE, publication)))).toEqual(publication);
    },
  );

  it('turns every publication into the JSON protocol requests that set the same (the protocol schema accepts them)', () => {
    for (const p of publications) {
      const messages = [
        p.state === null
          ? { type: 'reset-state' }
          : { type: 'set-state', state: p.state, expiresAt: p.expiresAt === null ? null : new Date(p.expiresAt).toISOString() },
        { type: 'set-note', note: p.note },
      ];
      for (const m of messages) expect(clientMessageSchema.safeParse(m).success).toBe(true);
    }
  });

  const publish = (basic: string, activities: string, note = '') =>
    publicationFromPidf(
      parsePidf(
        `<presence xmlns="${PIDF_NS.PIDF}" xmlns:dm="${PIDF_NS.DATA_MODEL}" xmlns:rpid="${PIDF_NS.RPID}" entity="sip:alice@parley.test">` +
          `<tuple id="t"><status><basic>${basic}</basic></status></tuple>${note}<dm:person id="p">${activities}</dm:person></presence>`,
      ),
    );

  it.each<[string, string, string, UserStateName | null]>([
    ['open, no activity (a softphone coming online)', 'open', '<rpid:activities/>', null],
    ['open, unknown activity', 'open', '<rpid:activities><rpid:unknown/></rpid:activities>', null],
    ['closed (appear offline)', 'closed', '', 'appear-offline'],
    ['busy', 'open', '<rpid:activities><rpid:busy/></rpid:activities>', 'busy'],
    ['on the phone', 'open', '<rpid:activities><rpid:on-the-phone/></rpid:activities>', 'busy'],
    ['meeting', 'open', '<rpid:activities><rpid:meeting/></rpid:activities>', 'busy'],
    ['away', 'open', '<rpid:activities><rpid:away/></rpid:activities>', 'away'],
    ['lunch', 'open', '<rpid:activities><rpid:lunch/></rpid:activities>', 'away'],
    ['vacation', 'open', '<rpid:activities><rpid:vacation/></rpid:activities>', 'off-work'],
    [
      'the first activity that names a state',
      'open',
      '<rpid:activities><rpid:other>x</rpid:other><rpid:working/><rpid:away/><rpid:busy/></rpid:activities>',
      'away',
    ],
  ])('reads a client publishing %s', (_name, basic, activities, state) => {
    expect(publish(basic, activities).state).toBe(state);
  });

  it('reads the end of the state from `until`, and the note wherever the client put it (blank clears it)', () => {
    const until = publish('open', '<rpid:activities until="2026-12-03T11:00:00Z"><rpid:busy/></rpid:activities>');
    expect([until.state, until.expiresAt]).toEqual(['busy', Date.parse('2026-12-03T11:00:00Z')]);
    expect(publish('open', '', '<note xml:lang="en">Hello</note>').note).toBe('Hello');
    expect(publish('open', '<dm:note>From the person</dm:note>').note).toBe('From the person');
    expect(publish('open', '', '<note>   </note>').note).toBeNull();
    expect(publish('open', '').expiresAt).toBeNull();
  });

  it('refuses a user state Parley does not know', () => {
    const doc = wire(pidfFromPublication(ALICE, { state: 'busy', expiresAt: null, note: null }));
    let err: unknown;
    try {
      publicationFromPidf(patchExtension(doc, { userState: 'napping' }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SipBodyError);
    expect((err as SipBodyError).code).toBe(SipBodyErrorCode.InvalidPidf);
  });
});
