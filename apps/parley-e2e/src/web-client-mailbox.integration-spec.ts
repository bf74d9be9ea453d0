// The web client's calendar glance and voicemail views in Debian's Chromium (playwright-core), against
// the built embedded app. What they show is made the way users' other clients make it: meetings
// through EWS (ews-javascript-api), a voicemail from a PBX through the trusted SMTP relay.
import { launchChromium, seriousAxeViolations, umVoicemailMail, waitFor, wavRecording } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import nodemailer from 'nodemailer';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { EmbeddedParley, ewsService, startEmbeddedParley, useNodeXhr } from './ews-embedded';
import { webClientBuild } from './repo';

const PASSWORDS = { alice: 'alice-demo-pw', bob: 'bob-demo-pw', carol: 'carol-demo-pw' } as const;
type Demo = keyof typeof PASSWORDS;
const address = (user: Demo) => `${user}@parley.test`;

const LANGUAGES = ['en', 'it', 'zh-CN', 'ru', 'fr', 'ko'] as const;
/** The browser's zone in these tests: not the machine's (UTC), so a time shown in UTC would be caught. */
const ZONE = 'America/New_York';
/** Waits for the page to get somewhere it should, not promptness. */
const SETTLE_MS = 15_000;
/** The calendar view asks again every minute; a change it must show sooner comes through the presence push. */
const BEFORE_THE_MINUTE_MS = 20_000;
/** 8 kHz 16-bit mono: 16,000 bytes a second. Three seconds of samples after the 44-byte header. */
const RECORDING_SECONDS = 3;
const recording = () => wavRecording(44 + RECORDING_SECONDS * 16_000);

/** What the page-side callbacks read (this project is compiled without DOM types; they run in the page). */
interface MediaElement {
  readyState: number;
  duration: number;
}
interface PageWindow {
  getComputedStyle(element: unknown): { fontWeight: string };
}
interface PageNode {
  nodeType: number;
  nodeName: string;
  data?: string;
  childNodes: ArrayLike<PageNode>;
  shadowRoot?: PageNode | null;
  checkVisibility?(): boolean;
  getAttribute?(name: string): string | null;
}

/**
 * The text a user meets on the page, shadow roots included (`innerText` stops at them): visible
 * text, plus the accessible names and titles that assistive technology reads out.
 */
async function pageText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts: string[] = [];
    const walk = (node: PageNode) => {
      if (node.nodeType === 3) {
        parts.push(node.data ?? '');
        return;
      }
      if (node.nodeType !== 1 && node.nodeType !== 11) return;
      if (node.nodeName === 'STYLE' || node.nodeName === 'SCRIPT' || node.nodeName === 'NOSCRIPT') return;
      if (node.nodeType === 1 && node.checkVisibility && !node.checkVisibility()) return;
      for (const name of ['aria-label', 'title']) {
        const value = node.getAttribute?.(name);
        if (value) parts.push(value);
      }
      if (node.shadowRoot) walk(node.shadowRoot);
      for (const child of Array.from(node.childNodes)) walk(child);
    };
    walk((globalThis as unknown as { document: { body: PageNode } }).document.body);
    return parts.join(' ').replace(/\s+/g, ' ').trim();
  });
}

const normalized = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('the web client: calendar glance and voicemail, in Chromium', () => {
  let parley: EmbeddedParley;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const meetings: ews.Appointment[] = [];

  beforeAll(async () => {
    useNodeXhr();
    parley = await startEmbeddedParley({ PARLEY_WEB_ROOT: webClientBuild() });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await parley?.stop();
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    for (const meeting of meetings.splice(0)) {
      await meeting.Delete(ews.DeleteMode.HardDelete, ews.SendCancellationsMode.SendToNone).catch(() => undefined);
    }
  });

  async function signedIn(user: Demo, locale = 'en-US'): Promise<Page> {
    const context = await browser.newContext({ locale, timezoneId: ZONE });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(parley.base);
    await page.getByTestId('signin-address').fill(address(user));
    await page.getByTestId('signin-password').fill(PASSWORDS[user]);
    await page.getByTestId('signin-submit').click();
    await page.locator('[data-testid="connection-status"][data-status="open"]').waitFor({ state: 'attached', timeout: SETTLE_MS });
    return page;
  }

  async function attributeBecomes(locator: Locator, name: string, value: string, timeoutMs = SETTLE_MS): Promise<void> {
    await waitFor(async () => (await locator.getAttribute(name).catch(() => null)) === value, {
      timeoutMs,
      intervalMs: 50,
      what: `${name}="${value}" (it is "${await locator.getAttribute(name).catch(() => '?')}")`,
    });
  }

  /** A meeting in `user`'s calendar, made through EWS; deleted after the test. */
  async function meeting(user: Demo, subject: string, start: number, end: number, location = ''): Promise<ews.Appointment> {
    const appointment = new ews.Appointment(ewsService(parley.base, address(user), PASSWORDS[user]));
    appointment.Subject = subject;
    appointment.Start = new ews.DateTime(start);
    appointment.End = new ews.DateTime(end);
    if (location) appointment.Location = location;
    await appointment.Save(ews.SendInvitationsMode.SendToNone);
    meetings.push(appointment);
    return appointment;
  }

  /** A voicemail for `user` from a PBX, through the trusted relay. */
  async function depositVoicemail(user: Demo, callerName: string): Promise<void> {
    const relay = nodemailer.createTransport({ host: '127.0.0.1', port: parley.smtp.relay, secure: false, ignoreTLS: true });
    try {
      await relay.sendMail({
        envelope: { from: 'pbx@pbx.e2e', to: [address(user)] },
        raw: umVoicemailMail({ from: 'pbx@pbx.e2e', to: address(user), audio: recording(), callerName, callerNumber: '+4930555123' }),
      });
    } finally {
      relay.close();
    }
  }

  const eventNamed = (page: Page, day: 'today' | 'tomorrow', subject: string) =>
    page.getByTestId(`calendar-day-${day}`).getByTestId('calendar-event').filter({ hasText: subject });

  /** Midnight of the day after `instant`'s day in ZONE, found by stepping over the wall clock. */
  const nextLocalDayAt = (instant: number, hour: number): number => {
    const dayOf = (t: number) =>
      new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(t);
    const hourOf = (t: number) => Number(new Intl.DateTimeFormat('en-US', { timeZone: ZONE, hour: 'numeric', hourCycle: 'h23' }).format(t));
    let t = Math.floor(instant / 3_600_000) * 3_600_000;
    while (dayOf(t) === dayOf(instant) || hourOf(t) !== hour) t += 3_600_000;
    return t;
  };

  describe('calendar glance', () => {
    it("shows a meeting made through EWS in the browser's zone, marks it while it drives presence, and refreshes on presence pushes and on opening", async () => {
      const page = await signedIn('alice');
      await page.getByTestId('nav-calendar').click();
      await page.getByTestId('calendar-empty').waitFor({ timeout: SETTLE_MS });
      expect(await page.getByTestId('calendar-day-today').count()).toBe(0);

      // A meeting that began a minute ago: the server's presence turns "in a meeting" at once, pushes
      // it to the page, and the view asks again (long before its minute is up).
      const start = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
      const end = start + 30 * 60_000;
      await meeting('alice', 'Design review', start, end, 'Room 4');
      const item = eventNamed(page, 'today', 'Design review');
      await item.waitFor({ timeout: BEFORE_THE_MINUTE_MS });
      await attributeBecomes(page.getByTestId('own-presence'), 'data-token', 'busy');

      // The time range in the browser's zone and language, as Intl writes it there.
      const range = new Intl.DateTimeFormat('en-US', { timeStyle: 'short', timeZone: ZONE }).formatRange(start, end);
      expect(normalized(await item.getByTestId('event-time').innerText())).toBe(normalized(range));
      expect(await item.getByTestId('event-location').innerText()).toBe('Location: Room 4');
      expect(await item.getByTestId('event-show-as').innerText()).toBe('Busy');
      expect(await item.getAttribute('data-show-as')).toBe('busy');

      // The meeting driving presence: marked, with its label, and aria-current.
      await attributeBecomes(item, 'data-driving', 'true');
      expect(await item.getAttribute('aria-current')).toBe('time');
      expect(await item.getByTestId('event-driving').innerText()).toBe('Now — sets your presence to In a meeting');

      // Tomorrow's meeting changes no presence now: it shows when the view is opened again.
      const tomorrow = nextLocalDayAt(Date.now(), 10);
      await meeting('alice', 'Planning', tomorrow, tomorrow + 45 * 60_000);
      await page.getByTestId('nav-contacts').click();
      await page.getByTestId('nav-calendar').click();
      const planning = eventNamed(page, 'tomorrow', 'Planning');
      await planning.waitFor({ timeout: SETTLE_MS });
      expect(await planning.getAttribute('data-driving')).toBe('false');
      expect(await planning.getAttribute('aria-current')).toBeNull();
      const tomorrowRange = new Intl.DateTimeFormat('en-US', { timeStyle: 'short', timeZone: ZONE }).formatRange(
        tomorrow,
        tomorrow + 45 * 60_000,
      );
      expect(normalized(await planning.getByTestId('event-time').innerText())).toBe(normalized(tomorrowRange));

      // The running meeting deleted through EWS: presence changes, the view follows without a reload.
      const design = meetings.shift();
      await design?.Delete(ews.DeleteMode.HardDelete, ews.SendCancellationsMode.SendToNone);
      await waitFor(async () => (await eventNamed(page, 'today', 'Design review').count()) === 0, {
        timeoutMs: BEFORE_THE_MINUTE_MS,
        what: 'the deleted meeting to leave the view',
      });
      expect(await page.getByTestId('calendar-day-today').getByTestId('calendar-event').count()).toBe(0);
    });
  });

  describe('voicemail', () => {
    it('lists a voicemail deposited by SMTP, plays it in the page (marking it read), marks it unread and deletes it', async () => {
      const page = await signedIn('bob');
      const badge = page.getByTestId('message-waiting');
      await attributeBecomes(badge, 'data-new', '0');
      await depositVoicemail('bob', 'Vera Voice');
      await attributeBecomes(badge, 'data-new', '1');

      // The badge opens the view.
      await badge.click();
      const item = page.getByTestId('voicemail-item').filter({ hasText: 'Vera Voice' });
      await item.waitFor({ timeout: SETTLE_MS });
      expect(await page.getByTestId('nav-voicemail').getAttribute('aria-current')).toBe('page');
      expect(await item.getByTestId('voicemail-caller').innerText()).toBe('Vera Voice');
      expect(await item.getByTestId('voicemail-number').innerText()).toBe('+4930555123');
      expect(await item.getByTestId('voicemail-duration').innerText()).toBe('Length 0:03');
      expect(await item.getAttribute('data-read')).toBe('false');
      expect(await item.getByTestId('voicemail-unread').innerText()).toBe('Unread');
      expect(
        await item.getByTestId('voicemail-caller').evaluate((e) => (globalThis as unknown as PageWindow).getComputedStyle(e).fontWeight),
      ).toBe('700');

      // Play: the <audio> element loads the recording from $value (the browser asks with Range) and knows its length.
      await item.getByTestId('voicemail-play').click();
      const audio = item.getByTestId('voicemail-player');
      await audio.waitFor({ timeout: SETTLE_MS });
      expect(await audio.getAttribute('src')).toMatch(/^\/api\/v1\.0\/me\/messages\/[^/]+\/attachments\/[^/]+\/\$value$/);
      await waitFor(async () => (await audio.evaluate((a) => (a as unknown as MediaElement).readyState)) >= 1, {
        timeoutMs: SETTLE_MS,
        what: 'the recording to load (readyState >= 1)',
      });
      const duration = await audio.evaluate((a) => (a as unknown as MediaElement).duration);
      expect(Math.abs(duration - RECORDING_SECONDS)).toBeLessThanOrEqual(0.2);
      const shown = item.getByTestId('voicemail-player-duration');
      await shown.waitFor({ timeout: SETTLE_MS });
      expect(Math.abs(Number(await shown.getAttribute('data-seconds')) - RECORDING_SECONDS)).toBeLessThanOrEqual(0.2);
      expect(await shown.innerText()).toBe('Recording length: 0:03');

      // Playing it marked it read: the item and the lamp follow.
      await attributeBecomes(item, 'data-read', 'true');
      await attributeBecomes(badge, 'data-new', '0');
      expect(await badge.getAttribute('data-old')).toBe('1');
      expect(await item.getByTestId('voicemail-unread').count()).toBe(0);

      // Unread again, by hand, and the badge says so.
      await item.getByTestId('voicemail-toggle-read').click();
      await attributeBecomes(item, 'data-read', 'false');
      await attributeBecomes(badge, 'data-new', '1');

      // Delete asks first; cancel keeps it, confirm removes it.
      await item.getByTestId('voicemail-delete').click();
      const dialog = page.getByTestId('voicemail-dialog');
      await dialog.waitFor({ timeout: SETTLE_MS });
      expect(await dialog.innerText()).toContain('Vera Voice');
      await dialog.getByTestId('dialog-cancel').click();
      expect(await page.getByTestId('voicemail-item').count()).toBe(1);
      await item.getByTestId('voicemail-delete').click();
      await dialog.getByTestId('dialog-confirm').click();
      await page.getByTestId('voicemail-empty').waitFor({ timeout: SETTLE_MS });
      expect(await page.getByTestId('voicemail-status').innerText()).toBe('The message from Vera Voice was deleted.');
      await attributeBecomes(badge, 'data-new', '0');
    });

    it('refreshes the open list when a new voicemail arrives', async () => {
      const page = await signedIn('carol');
      await page.getByTestId('nav-voicemail').click();
      await page.getByTestId('voicemail-empty').waitFor({ timeout: SETTLE_MS });
      await depositVoicemail('carol', 'Late Caller');
      await page.getByTestId('voicemail-item').filter({ hasText: 'Late Caller' }).waitFor({ timeout: SETTLE_MS });
      expect(await page.getByTestId('voicemail-count').innerText()).toBe('1 voice message');
      await page.getByTestId('voicemail-item').getByTestId('voicemail-delete').click();
      await page.getByTestId('voicemail-dialog').getByTestId('dialog-confirm').click();
      await page.getByTestId('voicemail-empty').waitFor({ timeout: SETTLE_MS });
    });
  });

  describe('languages and accessibility', () => {
    it('has no serious or critical axe-core violation in either view (with a meeting marked, a message playing, the delete dialog)', async () => {
      const start = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
      await meeting('alice', 'Accessibility review', start, start + 20 * 60_000, 'Room 2');
      await depositVoicemail('alice', 'Axe Caller');
      const page = await signedIn('alice');
      const found: Record<string, unknown> = {};

      await page.getByTestId('nav-calendar').click();
      await attributeBecomes(eventNamed(page, 'today', 'Accessibility review'), 'data-driving', 'true');
      found['calendar'] = await seriousAxeViolations(page);

      await page.getByTestId('nav-voicemail').click();
      const item = page.getByTestId('voicemail-item').filter({ hasText: 'Axe Caller' });
      await item.waitFor({ timeout: SETTLE_MS });
      found['voicemail'] = await seriousAxeViolations(page);
      await item.getByTestId('voicemail-play').click();
      await item.getByTestId('voicemail-player-duration').waitFor({ timeout: SETTLE_MS });
      found['voicemail-playing'] = await seriousAxeViolations(page);
      await item.getByTestId('voicemail-delete').click();
      await page.getByTestId('voicemail-dialog').waitFor({ timeout: SETTLE_MS });
      found['voicemail-dialog'] = await seriousAxeViolations(page);
      await page.keyboard.press('Escape');
      expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
    });

    it('renders both views in each language without missing strings', async () => {
      const start = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
      await meeting('carol', 'Weekly sync', start, start + 20 * 60_000, 'Room 9');
      await depositVoicemail('carol', 'Lingua Caller');
      const english = new Map<string, string>();
      for (const language of LANGUAGES) {
        const page = await signedIn('carol', language);
        expect(await page.locator('html').getAttribute('lang')).toBe(language);
        for (const view of ['calendar', 'voicemail'] as const) {
          await page.getByTestId(`nav-${view}`).click();
          const ready = view === 'calendar' ? eventNamed(page, 'today', 'Weekly sync') : page.getByTestId('voicemail-item');
          await ready.waitFor({ timeout: SETTLE_MS });
          if (view === 'calendar') await attributeBecomes(ready, 'data-driving', 'true');
          const text = await pageText(page);
          expect({ language, view, placeholders: text.match(/\{[a-zA-Z]+\}/g) }).toEqual({ language, view, placeholders: null });
          expect({ language, view, keys: text.match(/\b[a-z]+\.[a-z][a-zA-Z-]+(\.[a-zA-Z.-]+)?\b/g) }).toEqual({
            language,
            view,
            keys: null,
          });
          if (language === 'en') english.set(view, text);
          else expect({ language, view, same: text === english.get(view) }).toEqual({ language, view, same: false });
        }
        await page.context().close();
        contexts.splice(contexts.indexOf(page.context()), 1);
      }
    });
  });
});
