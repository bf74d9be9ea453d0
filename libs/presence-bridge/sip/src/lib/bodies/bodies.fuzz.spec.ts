import { fuzzRun, seededRandom } from '@parley/testing';
import {
  parseMessageSummary,
  parsePidf,
  pidfFromPresence,
  SipBodyError,
  writeMessageSummary,
  writePidf,
  presenceFromPidf,
  publicationFromPidf,
  messageSummaryFor,
} from '../../index';

// Random mutations of valid bodies: whatever a client sends, the readers answer with a document or
// a SipBodyError, never anything else, and what they accept writes back to the same document.
// Fixed seed, so a failure reproduces; PARLEY_FUZZ_ITERATIONS / PARLEY_FUZZ_SEED run it longer locally.
const { iterations: ITERATIONS, seed: SEED } = fuzzRun({ iterations: 400, seed: 0x5eed_3863 });

const TOKENS = [
  '<',
  '>',
  '/',
  '&',
  '&amp;',
  '&#0;',
  '"',
  "'",
  '=',
  ':',
  'xmlns=""',
  '<!DOCTYPE x>',
  '<![CDATA[',
  ']]>',
  '\u0000',
  '\ud800',
  'é',
  '\r\n',
  ' ',
  '9',
];

function mutate(text: string, rnd: () => number): string {
  let s = text;
  const edits = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (s.length + 1));
    const op = Math.floor(rnd() * 4);
    if (op === 0) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 8));
    else if (op === 1) s = s.slice(0, at) + TOKENS[Math.floor(rnd() * TOKENS.length)] + s.slice(at);
    else if (op === 2) {
      const from = Math.floor(rnd() * s.length);
      s = s.slice(0, at) + s.slice(from, from + Math.floor(rnd() * 16)) + s.slice(at);
    } else s = s.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 0x80)) + s.slice(at + 1);
  }
  return s;
}

const SEEDS = [
  writePidf(
    pidfFromPresence(
      'sip:alice@parley.test',
      {
        availability: 6500,
        token: 'busy',
        activity: 'in-a-meeting',
        note: { kind: 'oof', text: 'Back Monday' },
        oof: true,
        calendar: { state: 'in-a-meeting', until: '2026-12-03T10:00:00.000Z' },
        lastActiveAt: '2026-12-03T08:00:00.000Z',
      },
      { timestamp: Date.parse('2026-12-03T09:00:00Z') },
    ),
  ),
  '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" ' +
    'entity="sip:bob@parley.test"><dm:person id="p1"><rpid:activities><rpid:away/></rpid:activities></dm:person>' +
    '<tuple id="t1"><status><basic>open</basic></status><contact>sip:bob@parley.test</contact><note xml:lang="en">hi</note></tuple></presence>',
];

describe('body readers under random mutation', () => {
  it(`answer every mutated PIDF body with a document or a SipBodyError (${ITERATIONS} bodies, seed ${SEED})`, () => {
    const rnd = seededRandom(SEED);
    let accepted = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const body = mutate(SEEDS[i % SEEDS.length], rnd);
      try {
        const doc = parsePidf(body);
        accepted++;
        expect(parsePidf(writePidf(doc))).toEqual(doc);
        for (const read of [presenceFromPidf, publicationFromPidf]) {
          try {
            read(doc);
          } catch (e) {
            if (!(e instanceof SipBodyError)) throw new Error(`body ${JSON.stringify(body)}: ${String(e)}`, { cause: e });
          }
        }
      } catch (e) {
        if (!(e instanceof SipBodyError)) throw new Error(`body ${JSON.stringify(body)}: ${String(e)}`, { cause: e });
      }
    }
    // Some mutations leave the body valid (a changed note or id); all of them being refused would mean the seeds are broken.
    expect(accepted).toBeGreaterThan(0);
  });

  it(`answer every mutated message-summary body with a summary or a SipBodyError (${ITERATIONS} bodies)`, () => {
    const rnd = seededRandom(SEED + 1);
    const seed = writeMessageSummary(messageSummaryFor('sip:alice@parley.test', { newMessages: 12, oldMessages: 40 }));
    for (let i = 0; i < ITERATIONS; i++) {
      const body = mutate(seed, rnd);
      try {
        const summary = parseMessageSummary(body);
        expect(typeof summary.messagesWaiting).toBe('boolean');
      } catch (e) {
        if (!(e instanceof SipBodyError)) throw new Error(`body ${JSON.stringify(body)}: ${String(e)}`, { cause: e });
      }
    }
  });
});
