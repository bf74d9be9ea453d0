// The web client (apps/parley-web) as its users meet it: Debian's Chromium, driven by playwright-core,
// against the built embedded app, which serves the page, the sign-in, the presence WebSocket and the
// Graph API on one port. Beside the browser, the real EWS client (OOF, meetings) and an SMTP relay
// (a voicemail) change what the page shows, and read back what the page changed.
import { launchChromium, type PageElement, seriousAxeViolations, umVoicemailMail, waitFor, wavRecording } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { EmbeddedParley, ewsService, startEmbeddedParley, useNodeXhr } from './ews-embedded';
import { oofSettings } from './ews-oof.scenarios';
import { repoRoot, webClientBuild } from './repo';

const PASSWORDS = { alice: 'alice-demo-pw', bob: 'bob-demo-pw', carol: 'carol-demo-pw' } as const;
type Demo = keyof typeof PASSWORDS;
const address = (user: Demo) => `${user}@parley.test`;

/** Where the screenshots of every main view in every language go, for a person to look at (ignored by git). */
const SCREENSHOTS = path.join(repoRoot, 'tmp', 'screenshots', 'web');
const LANGUAGES = ['en', 'it', 'zh-CN', 'ru', 'fr', 'ko'] as const;

/** How long a change may take to show on another user's page: the one second. */
const LIVE_MS = 1_000;
/** Waits for the page to get somewhere it should (sign-in, a view), not promptness. */
const SETTLE_MS = 15_000;

describe('the web client in Chromium', () => {
  let parley: EmbeddedParley;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

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
  });

  /** A browser profile of its own (cookies, storage), as another person's browser would be. */
  async function newPage(options: { locale?: string; timezoneId?: string } = {}): Promise<Page> {
    const context = await browser.newContext({ locale: options.locale ?? 'en-US', timezoneId: options.timezoneId ?? 'Europe/Rome' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(parley.base);
    return page;
  }

  async function signIn(page: Page, user: Demo, password: string = PASSWORDS[user]): Promise<void> {
    await page.getByTestId('signin-address').fill(address(user));
    await page.getByTestId('signin-password').fill(password);
    await page.getByTestId('signin-submit').click();
  }

  async function signedIn(user: Demo, options: { locale?: string; timezoneId?: string } = {}): Promise<Page> {
    const page = await newPage(options);
    await signIn(page, user);
    await page.locator('[data-testid="connection-status"][data-status="open"]').waitFor({ state: 'attached', timeout: SETTLE_MS });
    return page;
  }

  const tile = (page: Page, user: Demo) => page.getByTestId(`contact-${address(user)}`);

  /** Adds `contact` to `page`'s user's contacts through the directory search, unless listed already. */
  async function addContact(page: Page, contact: Demo): Promise<Locator> {
    await page.getByTestId('nav-contacts').click();
    if ((await tile(page, contact).count()) === 0) {
      await page.getByTestId('contacts-add').click();
      await page.getByTestId('search-input').fill(contact);
      await page.getByTestId(`search-result-${address(contact)}`).click();
      await tile(page, contact).waitFor({ timeout: SETTLE_MS });
    }
    return tile(page, contact);
  }

  /** Resolves once `locator` matches with the attribute value, or fails after `timeoutMs`. */
  async function attributeBecomes(locator: Locator, name: string, value: string, timeoutMs: number): Promise<void> {
    await waitFor(async () => (await locator.getAttribute(name)) === value, {
      timeoutMs,
      intervalMs: 20,
      what: `${name}="${value}" (it is "${await locator.getAttribute(name).catch(() => '?')}")`,
    });
  }

  /**
   * Every text the page shows or announces, through the components' shadow roots (which `innerText`
   * does not enter): rendered text nodes, and the labels, placeholders and titles of elements.
   */
  function shownText(page: Page): Promise<string> {
    return page.evaluate(() => {
      const TEXT_NODE = 3;
      const parts: string[] = [];
      const visit = (node: PageElement): void => {
        if (node.nodeType === TEXT_NODE) {
          const parent = node.parentElement;
          const text = node.textContent?.trim();
          if (text && parent?.checkVisibility?.() && !['STYLE', 'SCRIPT'].includes(parent.tagName)) parts.push(text);
          return;
        }
        for (const name of ['aria-label', 'placeholder', 'title']) {
          const value = node.getAttribute?.(name);
          if (value) parts.push(value);
        }
        if (node.shadowRoot) visit(node.shadowRoot);
        Array.from(node.childNodes).forEach(visit);
      };
      visit((globalThis as unknown as { document: { body: PageElement } }).document.body);
      return parts.join('\n');
    });
  }

  describe('sign-in', () => {
    it('refuses a wrong password, signs in with an HttpOnly SameSite=Strict cookie, and signs out', async () => {
      const page = await newPage();
      await signIn(page, 'alice', 'not-the-password');
      await page.getByTestId('signin-error').waitFor({ timeout: SETTLE_MS });
      expect(await page.getByTestId('signin-error').innerText()).not.toBe('');

      await signIn(page, 'alice');
      await page.getByTestId('signed-in-as').waitFor({ timeout: SETTLE_MS });
      expect(await page.getByTestId('signed-in-as').innerText()).toContain('Alice');
      const [cookie] = await page.context().cookies(parley.base);
      expect(cookie).toMatchObject({ name: 'parley_session', httpOnly: true, sameSite: 'Strict', path: '/' });

      // A reload restores the session from the cookie.
      await page.reload();
      await page.getByTestId('signed-in-as').waitFor({ timeout: SETTLE_MS });

      await page.getByTestId('sign-out').click();
      await page.getByTestId('signin-form').waitFor({ timeout: SETTLE_MS });
      const status = await page.evaluate(async () => (await fetch('/web/session')).status);
      expect(status).toBe(401);
    });

    it('serves the page under a strict Content-Security-Policy, with no request to another origin', async () => {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      const foreign: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(parley.base) && !r.url().startsWith('data:')) foreign.push(r.url());
      });
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      const answer = await page.goto(parley.base);
      expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");
      await page.getByTestId('signin-form').waitFor({ timeout: SETTLE_MS });
      await signIn(page, 'carol');
      await page.locator('[data-testid="connection-status"][data-status="open"]').waitFor({ state: 'attached', timeout: SETTLE_MS });
      expect({ foreign, violations }).toEqual({ foreign: [], violations: [] });
    });
  });

  describe('presence and IM between two browsers', () => {
    it("shows each user the other's state changes within a second", async () => {
      const alice = await signedIn('alice');
      const bob = await signedIn('bob');
      const bobOnAlice = await addContact(alice, 'bob');
      const aliceOnBob = await addContact(bob, 'alice');
      await attributeBecomes(bobOnAlice, 'data-token', 'available', SETTLE_MS);

      for (const [actor, watcher, state, token] of [
        [bob, bobOnAlice, 'busy', 'busy'],
        [alice, aliceOnBob, 'do-not-disturb', 'do-not-disturb'],
        [bob, bobOnAlice, 'be-right-back', 'be-right-back'],
        [alice, aliceOnBob, 'away', 'away'],
      ] as const) {
        await actor.getByTestId('state-picker').selectOption(state);
        // The actor's own presence is the server's computed state; from then on the watcher has a second.
        await attributeBecomes(actor.getByTestId('own-presence'), 'data-token', token, SETTLE_MS);
        await attributeBecomes(watcher, 'data-token', token, LIVE_MS);
      }

      // Reset to automatic: both are connected and active again.
      await bob.getByTestId('state-picker').selectOption({ index: 6 });
      await attributeBecomes(bobOnAlice, 'data-token', 'available', SETTLE_MS);
      await alice.getByTestId('state-picker').selectOption({ index: 6 });
      await attributeBecomes(aliceOnBob, 'data-token', 'available', SETTLE_MS);

      // A personal note shows on the watcher's tile.
      await bob.getByTestId('note-input').fill('Reviewing the Q3 plan');
      await bob.getByTestId('note-save').click();
      await waitFor(async () => (await bobOnAlice.innerText()).includes('Reviewing the Q3 plan'), {
        timeoutMs: SETTLE_MS,
        what: "bob's note",
      });
    });

    it('chats both ways with typing indicators and delivery states, and says when the recipient is offline', async () => {
      const alice = await signedIn('alice');
      const bob = await signedIn('bob');
      await addContact(alice, 'bob');
      await addContact(alice, 'carol');

      await tile(alice, 'bob').getByTestId('contact-chat').click();
      await alice.getByTestId('conversation-input').fill('Hi Bob');
      await alice.getByTestId('conversation-send').click();
      const delivered = alice.locator('[data-testid="message"][data-direction="out"]').last();
      await attributeBecomes(delivered, 'data-state', 'delivered', SETTLE_MS);

      // Bob's page has the conversation (unread) with Alice's message in it.
      await bob.getByTestId('nav-conversations').click();
      await bob.getByTestId(`conversation-tab-${address('alice')}`).click({ timeout: SETTLE_MS });
      const received = bob.locator('[data-testid="message"][data-direction="in"]').last();
      await received.waitFor({ timeout: SETTLE_MS });
      expect(await received.getByTestId('message-text').innerText()).toBe('Hi Bob');

      // While Bob types, Alice sees it; his reply (sent with Enter) reaches her.
      await bob.getByTestId('conversation-input').pressSequentially('Hello Alice', { delay: 30 });
      await alice.getByTestId('typing-indicator').waitFor({ timeout: SETTLE_MS });
      await bob.getByTestId('conversation-input').press('Enter');
      const reply = alice.locator('[data-testid="message"][data-direction="in"]').last();
      await reply.waitFor({ timeout: SETTLE_MS });
      expect(await reply.getByTestId('message-text').innerText()).toBe('Hello Alice');
      await attributeBecomes(bob.locator('[data-testid="message"][data-direction="out"]').last(), 'data-state', 'delivered', SETTLE_MS);

      // Carol has no page open: the message fails, and the page says why.
      await alice.getByTestId('nav-contacts').click();
      await tile(alice, 'carol').getByTestId('contact-chat').click();
      await alice.getByTestId('conversation-input').fill('Are you there?');
      await alice.getByTestId('conversation-send').click();
      const failed = alice
        .locator(`[data-testid="conversation"][data-peer="${address('carol')}"] [data-testid="message"][data-direction="out"]`)
        .last();
      await attributeBecomes(failed, 'data-state', 'failed', SETTLE_MS);
      expect(await failed.getByTestId('message-status').innerText()).toMatch(/offline/i);
    });
  });

  describe('what Exchange feeds the page', () => {
    it('saves out-of-office that the EWS client reads, and shows OOF set through EWS on the contact', async () => {
      const alice = await signedIn('alice');
      await alice.getByTestId('nav-oof').click();
      await alice.getByTestId('oof-status-alwaysEnabled').check();
      await alice.getByTestId('oof-internal').fill('On holiday until Monday');
      await alice.getByTestId('oof-external').fill('I am away; please write to the team.');
      await alice.getByTestId('oof-audience').selectOption('contactsOnly');
      await alice.getByTestId('oof-save').click();
      await alice.getByTestId('oof-message').waitFor({ timeout: SETTLE_MS });

      const read = await ewsService(parley.base, address('alice'), PASSWORDS.alice).GetUserOofSettings(address('alice'));
      expect(ews.OofState[read.State]).toBe('Enabled');
      expect(ews.OofExternalAudience[read.ExternalAudience]).toBe('Known');
      expect(read.InternalReply.Message).toContain('On holiday until Monday');
      expect(read.ExternalReply.Message).toContain('please write to the team');

      // Bob turns his OOF on with an EWS client; Carol's tile for him shows the marker and the OOF note.
      const carol = await signedIn('carol');
      const bobOnCarol = await addContact(carol, 'bob');
      const bobEws = ewsService(parley.base, address('bob'), PASSWORDS.bob);
      await bobEws.SetUserOofSettings(address('bob'), oofSettings(ews.OofState.Enabled, ews.OofExternalAudience.All, 'Back on the 12th'));
      try {
        await bobOnCarol.getByTestId('oof-marker').waitFor({ timeout: SETTLE_MS });
        await waitFor(async () => (await bobOnCarol.innerText()).includes('Back on the 12th'), {
          timeoutMs: SETTLE_MS,
          what: 'the OOF note',
        });
      } finally {
        await bobEws.SetUserOofSettings(address('bob'), oofSettings(ews.OofState.Disabled, ews.OofExternalAudience.All, ''));
        await ewsService(parley.base, address('alice'), PASSWORDS.alice).SetUserOofSettings(
          address('alice'),
          oofSettings(ews.OofState.Disabled, ews.OofExternalAudience.All, ''),
        );
      }
    });

    it('turns a contact\'s tile to "In a meeting" when a meeting created through EWS starts two seconds later', async () => {
      const alice = await signedIn('alice');
      const carolOnAlice = await addContact(alice, 'carol');
      const start = new Date(Date.now() + 2_000);
      const end = new Date(start.getTime() + 30 * 60_000);
      const meeting = new ews.Appointment(ewsService(parley.base, address('carol'), PASSWORDS.carol));
      meeting.Subject = 'Design review';
      meeting.Start = new ews.DateTime(start);
      meeting.End = new ews.DateTime(end);
      await meeting.Save(ews.SendInvitationsMode.SendToNone);
      try {
        await attributeBecomes(carolOnAlice, 'data-token', 'busy', SETTLE_MS);
        const text = await carolOnAlice.getByTestId('presence-text').innerText();
        expect(text).toContain('In a meeting until');
        // The end in Alice's locale and time zone (the context runs in Europe/Rome), never the subject.
        const until = new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', timeZone: 'Europe/Rome' }).format(end);
        expect(text).toContain(until);
        expect(await carolOnAlice.innerText()).not.toContain('Design review');
      } finally {
        await meeting.Delete(ews.DeleteMode.HardDelete, ews.SendCancellationsMode.SendToNone);
      }
    });

    it('shows the message-waiting badge after a voicemail is deposited by SMTP', async () => {
      const bob = await signedIn('bob');
      const badge = bob.getByTestId('message-waiting');
      const relay = nodemailer.createTransport({ host: '127.0.0.1', port: parley.smtp.relay, secure: false, ignoreTLS: true });
      try {
        await relay.sendMail({
          envelope: { from: 'pbx@pbx.e2e', to: [address('bob')] },
          raw: umVoicemailMail({ from: 'pbx@pbx.e2e', to: address('bob'), audio: wavRecording(8_000), callerName: 'Web E2E' }),
        });
      } finally {
        relay.close();
      }
      await attributeBecomes(badge, 'data-new', '1', SETTLE_MS);
    });
  });

  describe('languages and accessibility', () => {
    /** The main views a user moves between, and what each shows once it is there. */
    const VIEWS = ['contacts', 'conversations', 'calendar', 'voicemail', 'oof', 'settings'] as const;

    it('renders every main view in each language without missing strings, and writes screenshots', async () => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const signInPage = await newPage();
      const english = new Map<string, string>();
      for (const language of LANGUAGES) {
        const page = await signedIn('alice', { locale: language });
        expect(await page.locator('html').getAttribute('lang')).toBe(language);
        for (const view of VIEWS) {
          await page.getByTestId(`nav-${view}`).click();
          const text = await shownText(page);
          // No unfilled placeholder, no catalog key (`area.key`) instead of a text.
          expect({ language, view, placeholders: text.match(/\{[a-zA-Z]+\}/g) }).toEqual({ language, view, placeholders: null });
          expect({ language, view, keys: text.match(/\b[a-z]+\.[a-z][a-zA-Z-]+\.[a-zA-Z.-]+\b/g) }).toEqual({ language, view, keys: null });
          if (language === 'en') english.set(view, text);
          else expect({ language, view, same: text === english.get(view) }).toEqual({ language, view, same: false });
          await page.screenshot({ path: path.join(SCREENSHOTS, `${language}-${view}.png`), fullPage: true });
        }
        await page.context().close();
        contexts.splice(contexts.indexOf(page.context()), 1);
      }
      // The sign-in view, in each language, chosen with the switcher this time.
      await signInPage.getByTestId('signin-form').waitFor({ timeout: SETTLE_MS });
      for (const language of LANGUAGES) {
        await signInPage.getByTestId('language-switcher').selectOption(language);
        expect(await signInPage.locator('html').getAttribute('lang')).toBe(language);
        const text = await shownText(signInPage);
        expect({ language, placeholders: text.match(/\{[a-zA-Z]+\}/g) }).toEqual({ language, placeholders: null });
        if (language === 'en') english.set('sign-in', text);
        else expect({ language, same: text === english.get('sign-in') }).toEqual({ language, same: false });
        await signInPage.screenshot({ path: path.join(SCREENSHOTS, `${language}-sign-in.png`), fullPage: true });
      }
    });

    it('has no serious or critical axe-core violation in any main view', async () => {
      const page = await newPage();
      await page.getByTestId('signin-form').waitFor({ timeout: SETTLE_MS });
      const found: Record<string, unknown> = { 'sign-in': await seriousAxeViolations(page) };
      await signIn(page, 'alice');
      await page.locator('[data-testid="connection-status"][data-status="open"]').waitFor({ state: 'attached', timeout: SETTLE_MS });
      await addContact(page, 'bob');
      for (const view of VIEWS) {
        await page.getByTestId(`nav-${view}`).click();
        found[view] = await seriousAxeViolations(page);
      }
      await page.getByTestId('nav-contacts').click();
      await tile(page, 'bob').getByTestId('contact-chat').click();
      found['conversation'] = await seriousAxeViolations(page);
      await page.getByTestId('nav-contacts').click();
      await page.getByTestId('group-add').click();
      await page.getByTestId('contacts-dialog').waitFor();
      found['dialog'] = await seriousAxeViolations(page);
      expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
    });

    it('works from the keyboard alone: signs in and changes state with keys', async () => {
      const page = await newPage();
      await page.getByTestId('signin-form').waitFor({ timeout: SETTLE_MS });
      await page.getByTestId('signin-address').focus();
      await page.keyboard.type(address('bob'));
      await page.keyboard.press('Tab');
      await page.keyboard.type(PASSWORDS.bob);
      await page.keyboard.press('Enter');
      await page.locator('[data-testid="connection-status"][data-status="open"]').waitFor({ state: 'attached', timeout: SETTLE_MS });
      // The picker starts at "automatic" (its last option): Home picks Available, the next key Busy.
      await page.getByTestId('state-picker').focus();
      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowDown');
      await attributeBecomes(page.getByTestId('own-presence'), 'data-token', 'busy', SETTLE_MS);
    });
  });

  describe('cross-origin pages', () => {
    let evil: Server;
    let evilBase: string;

    beforeAll(async () => {
      // Another origin on the same host (another port: same site, so SameSite alone would still send the cookie).
      evil = createServer((_req, res) => {
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end('<!doctype html><html lang="en"><title>elsewhere</title><p>elsewhere</p></html>');
      });
      await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
      evilBase = `http://127.0.0.1:${(evil.address() as { port: number }).port}`;
    });

    afterAll(async () => {
      await new Promise((resolve) => evil?.close(resolve));
    });

    it("cannot open the presence WebSocket or change state with a signed-in user's cookie", async () => {
      const page = await signedIn('alice');
      const other = await page.context().newPage();
      await other.goto(evilBase);
      const socket = await other.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            const ws = new WebSocket(url);
            ws.onopen = () => resolve('open');
            ws.onclose = (e) => resolve(`closed ${e.code}`);
          }),
        `${parley.base.replace(/^http/, 'ws')}/presence`,
      );
      expect(socket).toBe('closed 1006');
      // A form-like POST to the Graph API from that page: refused without the session's CSRF token.
      const post = await other.evaluate(async (url) => {
        try {
          const r = await fetch(url, {
            method: 'POST',
            mode: 'no-cors',
            credentials: 'include',
            headers: { 'Content-Type': 'text/plain' },
            body: '{"availability":"Away","activity":"Away"}',
          });
          return r.type;
        } catch (e) {
          return String(e);
        }
      }, `${parley.base}/api/v1.0/me/presence/setUserPreferredPresence`);
      expect(post).toBe('opaque');
      // Alice's own page still shows her automatic state: nothing was changed.
      await new Promise((r) => setTimeout(r, 500));
      expect(await page.getByTestId('own-presence').getAttribute('data-token')).toBe('available');
    });
  });
});
