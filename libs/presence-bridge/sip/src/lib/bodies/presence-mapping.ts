import type { ActivityToken, AvailabilityToken, EpochMs, UserStateName, WatcherView } from '@parley/presence-bridge/presence-engine';
import { echo, SipBodyError, SipBodyErrorCode } from './body-error';
import type { ParleyPresenceState, PidfDocument, PidfNote, PidfPerson, RpidActivities, RpidActivity } from './pidf';

// The model's types come from the presence engine (a util lib of this scope) as types only: this
// lib loads nothing of it at run time. The few run-time values it needs are the tables below,
// each a `Record` over the engine's token types, so a new token does not compile until mapped.

/** What a watcher's NOTIFY carries: the engine's watcher view without the user's private parts. */
export type PidfPresence = Pick<WatcherView, 'availability' | 'token' | 'activity' | 'note' | 'oof' | 'calendar' | 'lastActiveAt'>;

/** What a PUBLISH sets, as the JSON protocol's `set-state` / `reset-state` and `set-note` would. */
export interface PresencePublication {
  /** The user state; null: the document names none (the front then sets none, docs/sip.md "Publications"). */
  readonly state: UserStateName | null;
  /** When the state stops applying (RPID `until`); null: for the publication's lifetime. */
  readonly expiresAt: EpochMs | null;
  /** The personal note; null: the document has none (blank counts as none). */
  readonly note: string | null;
}

/** The canonical number of each availability range (the engine's `Availability`, checked by a spec). */
const CANONICAL_AVAILABILITY: Record<AvailabilityToken, number> = {
  available: 3500,
  'available-idle': 5000,
  busy: 6500,
  'busy-idle': 8000,
  'do-not-disturb': 9500,
  'be-right-back': 12500,
  away: 15500,
  offline: 18500,
};

/** The RPID activity that says what a token means to a client without Parley's extension. */
const TOKEN_ACTIVITY: Record<AvailabilityToken, RpidActivity | null> = {
  available: null,
  'available-idle': null,
  busy: 'busy',
  'busy-idle': 'busy',
  // RPID has no "do not disturb" and no "be right back": the nearest of what it has.
  'do-not-disturb': 'busy',
  'be-right-back': 'away',
  away: 'away',
  offline: null,
};

/** The RPID activity for each of Parley's activities (null: RPID has none; the token's activity says enough). */
const ACTIVITY_RPID: Record<ActivityToken, RpidActivity | null> = {
  'in-a-meeting': 'meeting',
  'in-a-conference': 'on-the-phone',
  'on-the-phone': 'on-the-phone',
  presenting: 'presentation',
  'off-work': null,
  'out-of-office': 'vacation',
};

/** Parley's activity for an RPID activity in a document without the extension. */
const RPID_ACTIVITY: Partial<Record<RpidActivity, ActivityToken>> = {
  meeting: 'in-a-meeting',
  'on-the-phone': 'on-the-phone',
  presentation: 'presenting',
  vacation: 'out-of-office',
};

/**
 * The user state a client means by an RPID activity it publishes (null: none — it is available).
 * Clients name their primary activity first; the first one that maps decides.
 */
const PUBLISHED_ACTIVITY_STATE: Record<RpidActivity, UserStateName | null> = {
  busy: 'busy',
  meeting: 'busy',
  'on-the-phone': 'busy',
  appointment: 'busy',
  presentation: 'busy',
  performance: 'busy',
  away: 'away',
  'in-transit': 'away',
  breakfast: 'away',
  lunch: 'away',
  dinner: 'away',
  meal: 'away',
  shopping: 'away',
  sleeping: 'away',
  steering: 'away',
  travel: 'away',
  tv: 'away',
  playing: 'away',
  spectator: 'away',
  worship: 'away',
  vacation: 'off-work',
  holiday: 'off-work',
  'permanent-absence': 'off-work',
  'looking-for-work': null,
  working: null,
  unknown: null,
};

/** The RPID activity a publication of each user state carries (read back by `PUBLISHED_ACTIVITY_STATE`). */
const STATE_ACTIVITY: Record<UserStateName, RpidActivity | null> = {
  available: null,
  busy: 'busy',
  'do-not-disturb': 'busy',
  'be-right-back': 'away',
  away: 'away',
  'off-work': 'vacation',
  'appear-offline': null,
};

const USER_STATES = new Set<string>(Object.keys(STATE_ACTIVITY));
const TOKENS = new Set<string>(Object.keys(CANONICAL_AVAILABILITY));
const ACTIVITIES = new Set<string>(Object.keys(ACTIVITY_RPID));
const TUPLE_ID = 'parley';
const PERSON_ID = 'p';

/** The presentity's `pres:` URI (RFC 3859: the scheme's address part) for its SIP URI or address. */
export function presEntity(sipUriOrAddress: string): string {
  const address = sipUriOrAddress.replace(/^sips?:/i, '').replace(/[;?].*$/, '');
  return `pres:${address}`;
}

/**
 * The PIDF document a watcher gets: basic `open` while the user is reachable (any state but
 * Offline), `closed` when Offline; RPID activities — the specific one (`meeting`, `on-the-phone`,
 * `presentation`), `vacation` while OOF is on, then `busy` / `away` for the token — with the
 * calendar's end as `until`; `user-input` idle since `lastActiveAt`; the note (the OOF message
 * while OOF is on, else the personal note, as the engine chose it); and Parley's extension with
 * the exact values, so that `presenceFromPidf` gets back exactly this view.
 */
export function pidfFromPresence(sipUri: string, view: PidfPresence, options: { timestamp?: EpochMs } = {}): PidfDocument {
  const activities: RpidActivity[] = [];
  const add = (a: RpidActivity | null) => {
    if (a !== null && !activities.includes(a)) activities.push(a);
  };
  add(view.activity === null ? null : ACTIVITY_RPID[view.activity]);
  if (view.oof) add('vacation');
  add(TOKEN_ACTIVITY[view.token]);
  const until = view.calendar?.until == null ? null : Date.parse(view.calendar.until);
  const lastInput = view.lastActiveAt === null ? null : Date.parse(view.lastActiveAt);
  const person: PidfPerson = {
    id: PERSON_ID,
    activities: activities.length > 0 || until !== null ? { activities, other: [], from: null, until } : null,
    userInput: lastInput === null ? null : { state: 'idle', lastInput },
    notes: [],
    timestamp: null,
    parley: {
      availability: view.availability,
      token: view.token,
      activity: view.activity,
      noteKind: view.note?.kind ?? null,
      oof: view.oof,
      calendar: view.calendar?.state ?? null,
      userState: null,
    },
  };
  return {
    entity: presEntity(sipUri),
    tuples: [
      {
        id: TUPLE_ID,
        basic: view.token === 'offline' ? 'closed' : 'open',
        contact: sipUri,
        notes: [],
        timestamp: options.timestamp ?? null,
      },
    ],
    notes: view.note === null ? [] : [{ text: view.note.text, lang: null }],
    persons: [person],
  };
}

function parleyState(doc: PidfDocument): ParleyPresenceState | null {
  return doc.persons.find((p) => p.parley !== null)?.parley ?? null;
}

function firstActivities(doc: PidfDocument): RpidActivities | null {
  return doc.persons.find((p) => p.activities !== null)?.activities ?? null;
}

/** The note a client means: the document's own, else a person's, else a tuple's; blank is none. */
function firstNote(doc: PidfDocument): string | null {
  const notes: PidfNote[] = [...doc.notes, ...doc.persons.flatMap((p) => p.notes), ...doc.tuples.flatMap((t) => t.notes)];
  const note = notes.find((n) => n.text.trim() !== '');
  return note === undefined ? null : note.text;
}

/** Whether any tuple says open; null when no tuple says anything. */
function reachable(doc: PidfDocument): boolean | null {
  const said = doc.tuples.map((t) => t.basic).filter((b) => b !== null);
  return said.length === 0 ? null : said.includes('open');
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function checked<T extends string>(value: string | null, allowed: ReadonlySet<string>, what: string): T | null {
  if (value === null) return null;
  if (!allowed.has(value)) throw new SipBodyError(SipBodyErrorCode.InvalidPidf, `${what} '${echo(value, 32)}' is not one Parley knows.`);
  return value as T;
}

/**
 * The presence a PIDF document describes. Exact for a document `pidfFromPresence` wrote (its
 * extension carries what RPID cannot say); for any other, the nearest view from basic status,
 * RPID activities, user input and note.
 */
export function presenceFromPidf(doc: PidfDocument): PidfPresence {
  const ext = parleyState(doc);
  const activities = firstActivities(doc);
  const rpid = activities?.activities ?? [];
  const idle = doc.persons.find((p) => p.userInput !== null)?.userInput ?? null;
  const vacation = rpid.includes('vacation');

  let token = checked<AvailabilityToken>(ext?.token ?? null, TOKENS, 'Token');
  if (token === null) {
    const idleNow = idle?.state === 'idle';
    if (reachable(doc) === false) token = 'offline';
    else if (rpid.some((a) => PUBLISHED_ACTIVITY_STATE[a] === 'busy')) token = idleNow ? 'busy-idle' : 'busy';
    else if (rpid.some((a) => PUBLISHED_ACTIVITY_STATE[a] === 'away' || PUBLISHED_ACTIVITY_STATE[a] === 'off-work')) token = 'away';
    else token = idleNow ? 'available-idle' : 'available';
  }
  const activity = ext
    ? checked<ActivityToken>(ext.activity, ACTIVITIES, 'Activity')
    : (rpid.map((a) => RPID_ACTIVITY[a]).find((a) => a !== undefined) ?? null);
  const oof = ext?.oof ?? vacation;
  const text = firstNote(doc);
  const noteKind = ext?.noteKind ?? (oof ? 'oof' : 'personal');
  if (noteKind !== 'oof' && noteKind !== 'personal')
    throw new SipBodyError(SipBodyErrorCode.InvalidPidf, `Note kind '${echo(noteKind, 32)}' is not one Parley knows.`);
  const calendarState = ext ? ext.calendar : activity === 'in-a-meeting' ? 'in-a-meeting' : null;
  if (calendarState !== null && calendarState !== 'in-a-meeting' && calendarState !== 'out-of-office') {
    throw new SipBodyError(SipBodyErrorCode.InvalidPidf, `Calendar state '${echo(calendarState, 32)}' is not one Parley knows.`);
  }
  return {
    availability: ext?.availability ?? CANONICAL_AVAILABILITY[token],
    token,
    activity,
    note: text === null ? null : { kind: noteKind, text },
    oof,
    calendar: calendarState === null ? null : { state: calendarState, until: iso(activities?.until ?? null) },
    lastActiveAt: idle?.state === 'idle' ? iso(idle.lastInput) : null,
  };
}

/**
 * What a PUBLISH sets. Parley's extension names the user state exactly; otherwise every tuple
 * `closed` is Appear offline, and the first RPID activity that names a state decides it
 * (`busy`, `meeting`, `on-the-phone`, … → Busy; `away`, `lunch`, … → Away; `vacation`, `holiday`
 * → Off work). Open with no such activity is no user state at all: a softphone that publishes
 * "open" must not hide the calendar's meetings. `until` bounds the state; the note is the
 * personal note (blank is none).
 */
export function publicationFromPidf(doc: PidfDocument): PresencePublication {
  const ext = parleyState(doc);
  const activities = firstActivities(doc);
  let state = checked<UserStateName>(ext?.userState ?? null, USER_STATES, 'User state');
  if (state === null) {
    if (reachable(doc) === false) state = 'appear-offline';
    else state = (activities?.activities ?? []).map((a) => PUBLISHED_ACTIVITY_STATE[a]).find((s) => s !== null) ?? null;
  }
  return {
    state,
    expiresAt: state === null ? null : (activities?.until ?? null),
    note: firstNote(doc),
  };
}

/** The PUBLISH body for a publication: what `publicationFromPidf` reads back unchanged (tests, and clients' documentation). */
export function pidfFromPublication(sipUri: string, publication: PresencePublication): PidfDocument {
  const activity = publication.state === null ? null : STATE_ACTIVITY[publication.state];
  const hasActivities = activity !== null || publication.expiresAt !== null;
  return {
    entity: presEntity(sipUri),
    tuples: [
      { id: TUPLE_ID, basic: publication.state === 'appear-offline' ? 'closed' : 'open', contact: sipUri, notes: [], timestamp: null },
    ],
    notes: publication.note === null ? [] : [{ text: publication.note, lang: null }],
    persons: [
      {
        id: PERSON_ID,
        activities: hasActivities
          ? { activities: activity === null ? [] : [activity], other: [], from: null, until: publication.expiresAt }
          : null,
        userInput: null,
        notes: [],
        timestamp: null,
        parley:
          publication.state === null
            ? null
            : { availability: null, token: null, activity: null, noteKind: null, oof: null, calendar: null, userState: publication.state },
      },
    ],
  };
}
