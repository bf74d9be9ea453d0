import {
  attr,
  child,
  children,
  el,
  parseXml,
  qualifiedName,
  withNamespaces,
  writeXml,
  XML_NS,
  XmlError,
  type XmlElement,
  type XmlNode,
  type XmlParseOptions,
} from '@parley/xml';
import { echo, SipBodyError, SipBodyErrorCode } from './body-error';
import { formatDateTime, parseDateTime } from './date-time';
import { PIDF_NS, PIDF_PREFIXES } from './pidf-namespaces';

/** The activities RFC 4480 defines (besides `other`, which carries free text). */
export const RPID_ACTIVITIES = [
  'appointment',
  'away',
  'breakfast',
  'busy',
  'dinner',
  'holiday',
  'in-transit',
  'looking-for-work',
  'lunch',
  'meal',
  'meeting',
  'on-the-phone',
  'performance',
  'permanent-absence',
  'playing',
  'presentation',
  'shopping',
  'sleeping',
  'spectator',
  'steering',
  'travel',
  'tv',
  'unknown',
  'vacation',
  'working',
  'worship',
] as const;
export type RpidActivity = (typeof RPID_ACTIVITIES)[number];

export type PidfBasic = 'open' | 'closed';

export interface PidfNote {
  readonly text: string;
  /** `xml:lang` of the note, as written. */
  readonly lang: string | null;
}

export interface PidfTuple {
  readonly id: string;
  /** Null when the tuple's status has no `basic`. */
  readonly basic: PidfBasic | null;
  readonly contact: string | null;
  readonly notes: readonly PidfNote[];
  /** Epoch ms. */
  readonly timestamp: number | null;
}

export interface RpidActivities {
  /** In document order; names RFC 4480 does not define are left out. */
  readonly activities: readonly RpidActivity[];
  /** The texts of `<rpid:other>`. */
  readonly other: readonly string[];
  /** Epoch ms of the `from` / `until` attributes. */
  readonly from: number | null;
  readonly until: number | null;
}

export interface RpidUserInput {
  readonly state: 'active' | 'idle';
  /** Epoch ms of `last-input`. */
  readonly lastInput: number | null;
}

/** Parley's extension element, values as written (the presence mapping checks them). */
export interface ParleyPresenceState {
  readonly availability: number | null;
  readonly token: string | null;
  readonly activity: string | null;
  readonly noteKind: string | null;
  readonly oof: boolean | null;
  readonly calendar: string | null;
  readonly userState: string | null;
}

export interface PidfPerson {
  readonly id: string;
  readonly activities: RpidActivities | null;
  readonly userInput: RpidUserInput | null;
  readonly notes: readonly PidfNote[];
  readonly timestamp: number | null;
  readonly parley: ParleyPresenceState | null;
}

/** A PIDF document (RFC 3863) with the RFC 4479 persons and RFC 4480 elements Parley reads. */
export interface PidfDocument {
  /** The presentity's `pres:` URI. */
  readonly entity: string;
  readonly tuples: readonly PidfTuple[];
  /** Notes of the document itself (not of a tuple or person). */
  readonly notes: readonly PidfNote[];
  readonly persons: readonly PidfPerson[];
}

/**
 * Bounds for a presence document. Clients publish a few hundred bytes to a few KB (one tuple per
 * device, a person, a note); these leave room for that many times over and still cost the
 * parser next to nothing.
 */
export const PIDF_PARSE_LIMITS: Required<XmlParseOptions> = {
  maxBytes: 64 * 1024,
  maxDepth: 16,
  maxElements: 1000,
  maxAttributesPerElement: 16,
  maxAttributes: 2000,
  maxAttributeLength: 1024,
  maxTextLength: 8 * 1024,
  maxTotalTextLength: 32 * 1024,
};

function invalid(message: string): SipBodyError {
  return new SipBodyError(SipBodyErrorCode.InvalidPidf, message);
}

/**
 * Reads an `application/pidf+xml` body through the hardened XML front (no DTD, bounded size and
 * work). Elements and namespaces it does not know are ignored, as RFC 3863 asks; values of the
 * ones it reads must be valid. Every refusal is a `SipBodyError`.
 */
export function parsePidf(input: string | Uint8Array, options: XmlParseOptions = {}): PidfDocument {
  let root: XmlElement;
  try {
    root = parseXml(input, { ...PIDF_PARSE_LIMITS, ...options });
  } catch (e) {
    if (e instanceof XmlError) throw new SipBodyError(SipBodyErrorCode.XmlRefused, e.message, e.kind, e.location);
    throw e;
  }
  if (root.ns !== PIDF_NS.PIDF || root.local !== 'presence') {
    throw new SipBodyError(SipBodyErrorCode.NotPidf, `The root element must be {${PIDF_NS.PIDF}}presence.`);
  }
  const entity = (attr(root, 'entity') ?? '').trim();
  if (entity === '') throw invalid("The presence element has no 'entity'.");
  return {
    entity,
    tuples: children(root, PIDF_NS.PIDF, 'tuple').map(readTuple),
    notes: readNotes(root, PIDF_NS.PIDF),
    persons: children(root, PIDF_NS.DATA_MODEL, 'person').map(readPerson),
  };
}

function requireId(element: XmlElement): string {
  const id = (attr(element, 'id') ?? '').trim();
  if (id === '') throw invalid(`A '${element.local}' element has no 'id'.`);
  return id;
}

function readNotes(parent: XmlElement, ns: string): PidfNote[] {
  return children(parent, ns, 'note').map((n) => ({ text: n.text, lang: attr(n, 'lang', XML_NS.XML) ?? null }));
}

function readDateTime(value: string | undefined, what: string): number | null {
  if (value === undefined) return null;
  const ms = parseDateTime(value);
  if (ms === undefined) throw invalid(`${what} '${echo(value.trim(), 40)}' is not an xs:dateTime.`);
  return ms;
}

function readTuple(tuple: XmlElement): PidfTuple {
  const id = requireId(tuple);
  const basicElement = child(child(tuple, PIDF_NS.PIDF, 'status'), PIDF_NS.PIDF, 'basic');
  let basic: PidfBasic | null = null;
  if (basicElement !== undefined) {
    const value = basicElement.text.trim();
    if (value !== 'open' && value !== 'closed') throw invalid(`Basic status '${echo(value, 32)}' is neither 'open' nor 'closed'.`);
    basic = value;
  }
  const contact = child(tuple, PIDF_NS.PIDF, 'contact')?.text.trim();
  return {
    id,
    basic,
    contact: contact === undefined || contact === '' ? null : contact,
    notes: readNotes(tuple, PIDF_NS.PIDF),
    timestamp: readDateTime(child(tuple, PIDF_NS.PIDF, 'timestamp')?.text, 'Timestamp'),
  };
}

const KNOWN_ACTIVITIES: ReadonlySet<string> = new Set(RPID_ACTIVITIES);

function readActivities(element: XmlElement): RpidActivities {
  const activities: RpidActivity[] = [];
  const other: string[] = [];
  for (const c of children(element, PIDF_NS.RPID)) {
    if (c.local === 'other') other.push(c.text);
    else if (KNOWN_ACTIVITIES.has(c.local) && !activities.includes(c.local as RpidActivity)) activities.push(c.local as RpidActivity);
  }
  return {
    activities,
    other,
    from: readDateTime(attr(element, 'from'), "Activities 'from'"),
    until: readDateTime(attr(element, 'until'), "Activities 'until'"),
  };
}

function readUserInput(element: XmlElement): RpidUserInput {
  const state = element.text.trim();
  if (state !== 'active' && state !== 'idle') throw invalid(`User input '${echo(state, 32)}' is neither 'active' nor 'idle'.`);
  return { state, lastInput: readDateTime(attr(element, 'last-input'), "User input 'last-input'") };
}

function readParleyState(element: XmlElement): ParleyPresenceState {
  const availability = attr(element, 'availability');
  if (availability !== undefined && !/^\d{1,9}$/.test(availability.trim())) {
    throw invalid(`Availability '${echo(availability, 16)}' is not a number.`);
  }
  const oof = attr(element, 'oof');
  if (oof !== undefined && oof !== 'true' && oof !== 'false') throw invalid(`OOF '${echo(oof, 16)}' is neither 'true' nor 'false'.`);
  return {
    availability: availability === undefined ? null : Number(availability.trim()),
    token: attr(element, 'token') ?? null,
    activity: attr(element, 'activity') ?? null,
    noteKind: attr(element, 'note') ?? null,
    oof: oof === undefined ? null : oof === 'true',
    calendar: attr(element, 'calendar') ?? null,
    userState: attr(element, 'user-state') ?? null,
  };
}

function readPerson(person: XmlElement): PidfPerson {
  const activities = child(person, PIDF_NS.RPID, 'activities');
  const userInput = child(person, PIDF_NS.RPID, 'user-input');
  const parley = child(person, PIDF_NS.PARLEY, 'state');
  return {
    id: requireId(person),
    activities: activities === undefined ? null : readActivities(activities),
    userInput: userInput === undefined ? null : readUserInput(userInput),
    notes: readNotes(person, PIDF_NS.DATA_MODEL),
    timestamp: readDateTime(child(person, PIDF_NS.DATA_MODEL, 'timestamp')?.text, 'Timestamp'),
    parley: parley === undefined ? null : readParleyState(parley),
  };
}

function noteNode(ns: string, note: PidfNote): XmlNode {
  return el(ns, 'note', { [qualifiedName(XML_NS.XML, 'lang')]: note.lang }, note.text);
}

function tupleNode(tuple: PidfTuple): XmlNode {
  return el(PIDF_NS.PIDF, 'tuple', { id: tuple.id }, [
    el(PIDF_NS.PIDF, 'status', {}, tuple.basic !== null && el(PIDF_NS.PIDF, 'basic', {}, tuple.basic)),
    tuple.contact !== null && el(PIDF_NS.PIDF, 'contact', {}, tuple.contact),
    ...tuple.notes.map((n) => noteNode(PIDF_NS.PIDF, n)),
    tuple.timestamp !== null && el(PIDF_NS.PIDF, 'timestamp', {}, formatDateTime(tuple.timestamp)),
  ]);
}

function parleyNode(state: ParleyPresenceState): XmlNode {
  return el(PIDF_NS.PARLEY, 'state', {
    availability: state.availability,
    token: state.token,
    activity: state.activity,
    note: state.noteKind,
    oof: state.oof,
    calendar: state.calendar,
    'user-state': state.userState,
  });
}

function personNode(person: PidfPerson): XmlNode {
  const { activities, userInput } = person;
  return el(PIDF_NS.DATA_MODEL, 'person', { id: person.id }, [
    activities !== null &&
      el(
        PIDF_NS.RPID,
        'activities',
        {
          from: activities.from === null ? null : formatDateTime(activities.from),
          until: activities.until === null ? null : formatDateTime(activities.until),
        },
        [...activities.activities.map((a) => el(PIDF_NS.RPID, a)), ...activities.other.map((o) => el(PIDF_NS.RPID, 'other', {}, o))],
      ),
    userInput !== null &&
      el(
        PIDF_NS.RPID,
        'user-input',
        { 'last-input': userInput.lastInput === null ? null : formatDateTime(userInput.lastInput) },
        userInput.state,
      ),
    person.parley !== null && parleyNode(person.parley),
    ...person.notes.map((n) => noteNode(PIDF_NS.DATA_MODEL, n)),
    person.timestamp !== null && el(PIDF_NS.DATA_MODEL, 'timestamp', {}, formatDateTime(person.timestamp)),
  ]);
}

/**
 * Writes a PIDF document the way RFC 3863 and RFC 4480 show them: PIDF as the default namespace,
 * `dm:` and `rpid:` declared on the root (some clients match `<basic>` and `<rpid:busy/>` as text),
 * tuples, then notes, then persons (the schema's order).
 */
export function writePidf(doc: PidfDocument): string {
  const root = el(PIDF_NS.PIDF, 'presence', { entity: doc.entity }, [
    ...doc.tuples.map(tupleNode),
    ...doc.notes.map((n) => noteNode(PIDF_NS.PIDF, n)),
    ...doc.persons.map(personNode),
  ]);
  const declared = withNamespaces(root, { '': PIDF_NS.PIDF, dm: PIDF_NS.DATA_MODEL, rpid: PIDF_NS.RPID });
  return writeXml(declared, { preferredPrefixes: PIDF_PREFIXES });
}
