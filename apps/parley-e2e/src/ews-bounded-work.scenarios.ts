// Bounded work per EWS request, against every deployment (see ews-deployment.ts, whose gateway has
// the default 10 MiB body limit): hostile bodies near that limit and oversized batches are each
// refused with their documented SOAP fault within seconds, not the minute they once took, while /healthz, polled the
// whole time, keeps answering — the event loop stays free, not just the final answer right.
import http from 'node:http';
import * as ews from 'ews-javascript-api';
import { basic, soapRequest } from './ews-embedded';
import { EWS_BODY_LIMIT_BYTES, errorOf, EwsDeployment } from './ews-deployment';

/** Hostile requests sent at once, as in the report that four of them stalled the gateway for a minute. */
const CONCURRENT = 4;
// These bounds guard against the failure they were written for (before the limits each of these
// requests took 12–70 s and stalled /healthz for as long), not against slowness: how fast a refusal
// is belongs to `bench:ews --hostile`. Typical here: 20–200 ms for one refusal (the ~10 MB upload
// over loopback included), up to ~400 ms when four run at once, /healthz under 160 ms; a CI
// machine running other suites' processes beside this one has measured over 1 s for four.
/** One hostile request, alone, must be refused within this. */
const MAX_REFUSAL_MS = 4_000;
/** Each of CONCURRENT hostile requests sent at once must be refused within this. */
const MAX_CONCURRENT_REFUSAL_MS = 8_000;
/** No /healthz answer may take longer than this while the hostile requests run. */
const MAX_HEALTHZ_MS = 3_000;

interface Answer {
  status: number;
  text: string;
  ms: number;
}

/** POSTs `body` with node:http (no client-side XML work that would compete with the measurement). */
function post(base: string, authorization: string, body: Buffer): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}/EWS/Exchange.asmx`,
      { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', 'content-length': body.length, authorization } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** One /healthz request: when it was sent and when its answer had arrived. */
interface Poll {
  start: number;
  end: number;
}

/** Polls /healthz back to back until `stop()`, recording each request's span. */
function pollHealth(base: string) {
  const polls: Poll[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const start = performance.now();
      const res = await fetch(`${base}/healthz`);
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      polls.push({ start, end: performance.now() });
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return polls;
    },
  };
}

/**
 * Runs `work` while /healthz is polled: asserts that some polls overlapped the work (so the
 * gateway was asked while it served the hostile requests) and that every poll was answered within
 * MAX_HEALTHZ_MS. Answers what `work` answered.
 */
async function whileHealthIsPolled<T>(base: string, work: () => Promise<T>): Promise<T> {
  const health = pollHealth(base);
  await new Promise((r) => setTimeout(r, 20));
  const from = performance.now();
  const result = await work();
  const to = performance.now();
  await new Promise((r) => setTimeout(r, 20));
  const polls = await health.stop();
  expect(polls.filter((p) => p.start < to && p.end > from).length).toBeGreaterThanOrEqual(1);
  expect(Math.max(...polls.map((p) => p.end - p.start))).toBeLessThan(MAX_HEALTHZ_MS);
  return result;
}

function expectFault(answer: Answer, code: string) {
  expect(answer.status).toBe(500);
  expect(answer.text).toContain('<t:ServerVersionInfo ');
  expect(answer.text).toContain(
    `<e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">${code}</e:ResponseCode>`,
  );
}

export function boundedWorkScenarios(deployment: () => EwsDeployment): void {
  describe('bounded work per EWS request', () => {
    const auth = () => basic(deployment().address('alice'), deployment().password('alice'));

    /** Warms the credentials cache, so that what is measured is the request, not a scrypt check. */
    const signIn = () => post(deployment().base, auth(), Buffer.from(soapRequest('<m:GetServerTimeZones/>')));

    /**
     * Sends `body` alone, then CONCURRENT times at once, while /healthz is polled; asserts each
     * answer is the `code` fault and the refusal times.
     */
    async function refuseUnderWatch(body: Buffer, code: string): Promise<Answer[]> {
      expect(body.length).toBeLessThanOrEqual(EWS_BODY_LIMIT_BYTES);
      const base = deployment().base;
      await signIn();
      const [alone, together] = await whileHealthIsPolled(base, async () => {
        const first = await post(base, auth(), body);
        return [first, await Promise.all(Array.from({ length: CONCURRENT }, () => post(base, auth(), body)))] as const;
      });
      for (const answer of [alone, ...together]) expectFault(answer, code);
      expect(alone.ms).toBeLessThan(MAX_REFUSAL_MS);
      expect(Math.max(...together.map((a) => a.ms))).toBeLessThan(MAX_CONCURRENT_REFUSAL_MS);
      return together;
    }

    /**
     * A real client's call that must fail with `code`: CONCURRENT callers repeat it for a quarter
     * of a second (one call is over too quickly for /healthz to be asked meanwhile), each call
     * timed, while /healthz is polled.
     */
    async function clientRefusals(call: () => Promise<unknown>, code: string): Promise<void> {
      await signIn();
      const outcomes = await whileHealthIsPolled(deployment().base, async () => {
        const until = performance.now() + 250;
        const done: { code?: string; ms: number }[] = [];
        const caller = async () => {
          while (performance.now() < until) {
            const started = performance.now();
            const error = await errorOf(call());
            done.push({ code: error.code, ms: performance.now() - started });
          }
        };
        await Promise.all(Array.from({ length: CONCURRENT }, caller));
        return done;
      });
      expect(new Set(outcomes.map((o) => o.code))).toEqual(new Set([code]));
      expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(MAX_REFUSAL_MS);
    }

    it('refuses one element with ~1,000,000 distinct attributes (~9.9 MB) with ErrorSchemaValidation', async () => {
      const attributes = Array.from({ length: 1_000_000 }, (_, i) => ` a${i.toString(36)}="1"`).join('');
      const body = Buffer.from(
        soapRequest(`<m:GetItem><m:ItemShape${attributes}><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds/></m:GetItem>`),
      );
      expect(body.length).toBeGreaterThan(9_500_000);
      const [answer] = await refuseUnderWatch(body, 'ErrorSchemaValidation');
      expect(answer.text).toContain('has more than 32 attributes');
    });

    it('refuses GetItem with 170,000 ItemIds (~9.9 MB) with ErrorSchemaValidation', async () => {
      const ids = Array.from({ length: 170_000 }, (_, i) => `<t:ItemId Id="AAMkAD${String(i).padStart(34, '0')}"/>`).join('');
      const body = Buffer.from(
        soapRequest(`<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds>${ids}</m:ItemIds></m:GetItem>`),
      );
      expect(body.length).toBeGreaterThan(9_500_000);
      await refuseUnderWatch(body, 'ErrorSchemaValidation');
    });

    it('refuses CreateItem with 20,000 items (40,000 elements) with ErrorSchemaValidation before creating any', async () => {
      const subject = `bounded-work ${Date.now()}`;
      const items = `<t:Task><t:Subject>${subject}</t:Subject></t:Task>`.repeat(20_000);
      const body = Buffer.from(soapRequest(`<m:CreateItem MessageDisposition="SaveOnly"><m:Items>${items}</m:Items></m:CreateItem>`));
      const [answer] = await refuseUnderWatch(body, 'ErrorSchemaValidation');
      expect(answer.text).toContain('has more than 20000 elements');
      const found = await deployment()
        .client('alice')
        .FindItems(ews.WellKnownFolderName.Tasks, new ews.SearchFilter.IsEqualTo(ews.ItemSchema.Subject, subject), new ews.ItemView(10));
      expect(found.TotalCount).toBe(0);
    });

    it('refuses CreateItem with 1,001 items (the batch limit) with ErrorInvalidRequest before creating any', async () => {
      const subject = `bounded-work batch ${Date.now()}`;
      const items = `<t:Task><t:Subject>${subject}</t:Subject></t:Task>`.repeat(1001);
      const body = Buffer.from(soapRequest(`<m:CreateItem MessageDisposition="SaveOnly"><m:Items>${items}</m:Items></m:CreateItem>`));
      const [answer] = await refuseUnderWatch(body, 'ErrorInvalidRequest');
      expect(answer.text).toContain('at most 1000 are allowed in one CreateItem');
      const found = await deployment()
        .client('alice')
        .FindItems(ews.WellKnownFolderName.Tasks, new ews.SearchFilter.IsEqualTo(ews.ItemSchema.Subject, subject), new ews.ItemView(10));
      expect(found.TotalCount).toBe(0);
    });

    it('refuses GetItem with 1,001 ids from a real client with ErrorInvalidRequest', async () => {
      const ids = Array.from({ length: 1001 }, (_, i) => new ews.ItemId(`AAMkAD${String(i).padStart(30, '0')}`));
      const client = deployment().client('alice');
      await clientRefusals(() => client.BindToItems(ids, new ews.PropertySet(ews.BasePropertySet.IdOnly)), 'ErrorInvalidRequest');
    });

    it('refuses GetUserAvailability for 101 mailboxes from a real client with ErrorMailboxDataArrayTooBig', async () => {
      const d = deployment();
      const attendees = Array.from({ length: 101 }, (_, i) => new ews.AttendeeInfo(i === 0 ? d.address('bob') : `someone${i}@parley.test`));
      const window = new ews.TimeWindow(new ews.DateTime(Date.UTC(2031, 4, 6)), new ews.DateTime(Date.UTC(2031, 4, 7)));
      const client = d.client('alice');
      await clientRefusals(
        () => client.GetUserAvailability(attendees, window, ews.AvailabilityData.FreeBusy),
        'ErrorMailboxDataArrayTooBig',
      );
    });
  });
}
