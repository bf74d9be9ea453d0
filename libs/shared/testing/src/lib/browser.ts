import { existsSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ensureDebianPackages } from './debian-packages';

/** Debian's Chromium: Playwright cannot download its own browsers here, so the tests drive the system one. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Headless Debian Chromium under playwright-core, installed with apt-get when missing (as `.ci/run`
 * does). As root, Chromium refuses to start without `--no-sandbox`.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) ensureDebianPackages(['chromium']);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

/** axe-core's browser build, read once when first needed (about 0.5 MB). */
let axeSource: string | undefined;

/** One accessibility rule broken on a page, as axe-core reports it (only what a failure message needs). */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * The serious and critical WCAG 2.x A/AA violations axe-core finds on the page as it is now.
 * axe's source is evaluated through the DevTools protocol, which the page's Content-Security-Policy
 * does not govern, so the page under test keeps its real CSP.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // The callbacks run in the page; this library is compiled without DOM types, so they name what they use.
  const hasAxe = await page.evaluate(() => 'axe' in globalThis);
  if (!hasAxe) await page.evaluate((axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')));
  const violations = await page.evaluate(async () => {
    interface RawViolation {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: unknown[] }[];
    }
    const { axe, document } = globalThis as unknown as {
      axe: { run(context: unknown, options: object): Promise<{ violations: RawViolation[] }> };
      document: unknown;
    };
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
