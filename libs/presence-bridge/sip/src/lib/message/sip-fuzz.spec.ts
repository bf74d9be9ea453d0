import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSipMessage, serializeSipMessage, SipParseError, SipStreamFramer } from './index';

/**
 * Mutation fuzzing of the parser and the stream framer. Reproducible: a fixed seed and a fixed number of
 * iterations (about 2 s here). Longer local runs: SIP_FUZZ_ITERATIONS=200000 SIP_FUZZ_SEED=7 npx jest … sip-fuzz
 * (the failing seed and iteration are printed). A hang shows as this suite never finishing, not as a timing check.
 */
const ITERATIONS = Number(process.env['SIP_FUZZ_ITERATIONS'] ?? 12000);
const SEED = Number(process.env['SIP_FUZZ_SEED'] ?? 4475);

/** mulberry32: small, fast, and the same sequence everywhere. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
    const random = prng(SEED);
    let accepted = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const input = mutate(random, corpus[Math.floor(random() * corpus.length)]);
      const context = () => `seed ${SEED}, iteration ${i}, input ${JSON.stringify(input.toString('latin1'))}`;
      expectTypedOrNothing(() => {
        const message = parseSipMessage(input, { strict: true });
        accepted++;
        const again = parseSipMessage(serializeSipMessage(message), { strict: true, framing: 'stream' });
        const withoutLength = (m: typeof message) => m.headers.entries().filter((field) => field.name !== 'Content-Length');
        if (JSON.stringify(withoutLength(again)) !== JSON.stringify(withoutLength(message)) || !again.body.equals(message.body)) {
          throw new Error(`${context()}: the round trip changed the message`);
        }
      }, context);
      expectTypedOrNothing(() => {
        const framer = new SipStreamFramer({ strict: true });
        const cut = Math.floor(random() * (input.length + 1));
        framer.push(input.subarray(0, cut));
        framer.push(input.subarray(cut));
      }, context);
    }
    // The mutations must leave some inputs valid, or the round-trip half of this test checks nothing.
    expect(accepted).toBeGreaterThan(ITERATIONS / 20);
  });

  it('parses hostile shapes up to the limits', () => {
    const head =
      'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nTo: <sip:a@b>\r\nFrom: <sip:c@d>;tag=1\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n';
    const hostile = [
      `Contact: ${'<sip:a@b>,'.repeat(700)}<sip:a@b>`,
      `Contact: ${'"'.repeat(7000)}`,
      `Contact: <sip:a@b>${';x'.repeat(3500)}`,
      `Contact: ${'a '.repeat(3500)}<sip:a@b>`,
      `Contact: <${'%'.repeat(7000)}>`,
      `Via: SIP/2.0/TCP ${'['.repeat(7000)}`,
      `X: a${'\r\n b'.repeat(1500)}`,
    ];
    for (const line of hostile) {
      expectTypedOrNothing(
        () => parseSipMessage(`${head}${line}\r\nContent-Length: 0\r\n\r\n`, { strict: true }),
        () => line.slice(0, 40),
      );
    }
  });
});
