import { fuzzRun } from '@parley/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanMeter } from './char-classes';
import { parseSipMessage, serializeSipMessage, SipParseError, SipStreamFramer } from './index';

/**
 * Mutation fuzzing of the parser and the stream framer. Reproducible: a fixed seed and a fixed number of
 * iterations (about 2 s here). Longer local runs: PARLEY_FUZZ_ITERATIONS=200000 PARLEY_FUZZ_SEED=7 npx jest … sip-fuzz
 * (the failing seed and iteration are printed). A hang shows as this suite never finishing, not as a timing check.
 */
const { iterations: ITERATIONS, seed: SEED, random: seeded } = fuzzRun({ iterations: 12000, seed: 4475 });

/** Grammar steps allowed per input byte: well above what any valid message needs, far below quadratic. */
const STEPS_PER_BYTE = 20;

const HEAD =
  'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nTo: <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n';

/** Header lines built to make a backtracking or rescanning parser do quadratic work; n sets the size. */
const HOSTILE: Record<string, (n: number) => string> = {
  'many contacts': (n) => `Contact: ${'<sip:a@b>,'.repeat(n)}<sip:a@b>`,
  'many quotes': (n) => `Contact: ${'"'.repeat(n)}`,
  'many parameters': (n) => `Contact: <sip:a@b>${';x'.repeat(n)}`,
  'many display-name words': (n) => `Contact: ${'a '.repeat(n)}<sip:a@b>`,
  'many escapes': (n) => `Contact: <${'%'.repeat(n)}>`,
  'many brackets': (n) => `Via: SIP/2.0/TCP ${'['.repeat(n)}`,
  'many folds': (n) => `X: a${'\r\n b'.repeat(n)}`,
  'many open angles': (n) => `Contact: ${'<'.repeat(n)}`,
  'many Via elements': (n) => `Via: ${'SIP/2.0/TCP h;branch=z9hG4bK1,'.repeat(n)}SIP/2.0/TCP h`,
  'long user part': (n) => `Contact: <sip:${'a;'.repeat(n)}@b>`,
};

const dir = join(__dirname, 'fixtures', 'rfc4475');
const corpus = readdirSync(dir)
  .filter((file) => file.endsWith('.dat'))
  .sort()
  .map((file) => readFileSync(join(dir, file)));

/** Bytes the grammar gives meaning to: mutations that hit them reach the interesting branches. */
const SPECIAL = Buffer.from('\r\n\t :;,="<>[]%@?/\\\u0000\u00ff0123456789abcdef');

function mutate(random: () => number, input: Buffer): Buffer {
  const pick = (n: number) => Math.floor(random() * n);
  const byte = () => (random() < 0.7 ? SPECIAL[pick(SPECIAL.length)] : pick(256));
  let out = input;
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const at = pick(out.length + 1);
    switch (pick(7)) {
      case 0: {
        if (out.length === 0) break;
        out = Buffer.from(out);
        out[Math.min(at, out.length - 1)] ^= 1 << pick(8);
        break;
      }
      case 1:
        out = Buffer.concat([out.subarray(0, at), Buffer.from([byte()]), out.subarray(at)]);
        break;
      case 2:
        out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + pick(16)))]);
        break;
      case 3: {
        // Splice a header line from another message in at a line boundary.
        const donor = corpus[pick(corpus.length)].toString('latin1').split('\r\n');
        const line = donor[1 + pick(Math.max(1, donor.length - 1))] ?? '';
        const lines = out.toString('latin1').split('\r\n');
        lines.splice(1 + pick(Math.max(1, lines.length - 1)), 0, line);
        out = Buffer.from(lines.join('\r\n'), 'latin1');
        break;
      }
      case 4: {
        const length = pick(32);
        out = Buffer.concat([out.subarray(0, at), out.subarray(at, at + length), out.subarray(at)]);
        break;
      }
      case 5:
        out = out.subarray(0, at);
        break;
      default: {
        if (out.length === 0) break;
        out = Buffer.from(out);
        out[Math.min(at, out.length - 1)] = byte();
      }
    }
  }
  return out;
}

function expectTypedOrNothing(run: () => void, context: () => string): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof SipParseError)) {
      throw new Error(`${context()}: ${error instanceof Error ? error.stack : String(error)}`, { cause: error });
    }
  }
}

describe('SIP codec fuzzing', () => {
  it(`throws only SipParseError and round-trips whatever it accepts (${ITERATIONS} mutations, seed ${SEED})`, () => {
    const random = seeded;
    let accepted = 0;
    let worst = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const input = mutate(random, corpus[Math.floor(random() * corpus.length)]);
      const context = () => `seed ${SEED}, iteration ${i}, input ${JSON.stringify(input.toString('latin1'))}`;
      const before = scanMeter.steps;
      expectTypedOrNothing(() => {
        const message = parseSipMessage(input, { strict: true });
        accepted++;
        const again = parseSipMessage(serializeSipMessage(message), { strict: true, framing: 'stream' });
        const withoutLength = (m: typeof message) => m.headers.entries().filter((field) => field.name !== 'Content-Length');
        if (JSON.stringify(withoutLength(again)) !== JSON.stringify(withoutLength(message)) || !again.body.equals(message.body)) {
          throw new Error(`${context()}: the round trip changed the message`);
        }
      }, context);
      // The step budget: parse, serialize and re-parse examine each input character a bounded number of times.
      worst = Math.max(worst, (scanMeter.steps - before) / (input.length + 1));
      expectTypedOrNothing(() => {
        const framer = new SipStreamFramer({ strict: true });
        const cut = Math.floor(random() * (input.length + 1));
        framer.push(input.subarray(0, cut));
        framer.push(input.subarray(cut));
      }, context);
    }
    // The mutations must leave some inputs valid, or the round-trip half of this test checks nothing.
    expect(accepted).toBeGreaterThan(ITERATIONS / 20);
    expect(worst).toBeLessThan(STEPS_PER_BYTE);
  });

  it('does work linear in the size of hostile inputs (steps counted, not time)', () => {
    const report: Record<string, { growth: number; perByte: number }> = {};
    for (const [name, shape] of Object.entries(HOSTILE)) {
      const steps = (n: number) => {
        const before = scanMeter.steps;
        expectTypedOrNothing(
          // Lifted line limit: this measures the grammar, not the limit that would stop it early.
          () => parseSipMessage(`${HEAD}${shape(n)}\r\nContent-Length: 0\r\n\r\n`, { strict: true, limits: { maxHeaderLineBytes: 65536 } }),
          () => name,
        );
        return scanMeter.steps - before;
      };
      const large = steps(1600);
      report[name] = { growth: large / Math.max(steps(200), 1), perByte: large / (HEAD.length + shape(1600).length) };
    }
    // 8× the input: linear work grows about 8× (less where a fixed part dominates), quadratic work 64×.
    expect(Object.keys(report)).toHaveLength(Object.keys(HOSTILE).length);
    const offenders = Object.entries(report).filter(([, r]) => r.growth > 16 || r.perByte > STEPS_PER_BYTE);
    expect(offenders).toEqual([]);
  });

  it('parses hostile shapes up to the limits with a typed error at worst', () => {
    for (const [name, shape] of Object.entries(HOSTILE)) {
      expectTypedOrNothing(
        () => parseSipMessage(`${HEAD}${shape(3000)}\r\nContent-Length: 0\r\n\r\n`, { strict: true }),
        () => name,
      );
    }
  });
});
