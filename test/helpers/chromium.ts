import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium, type BrowserContext, type Page } from 'playwright-core';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where browser tests put their screenshots (git-ignored). */
export const screenshots = join('artifacts', 'screenshots');
const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Debian Chromium with a throw-away profile. */
export async function launchChromium(): Promise<Chromium> {
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: apt-get install chromium (or set CHROMIUM_PATH)`);
  const profile = await mkdtemp(join(tmpdir(), 'tollgate-chromium-'));
  await mkdir(screenshots, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 900, height: 820 },
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) tollgate-e2e Chrome',
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

interface AxeResult {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }>;
}

/** Runs axe-core in the page (through the DevTools protocol: the page's CSP allows no script). */
export async function accessibilityViolations(page: Page): Promise<AxeResult['violations']> {
  await page.evaluate(await axeSource);
  const result = await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResult> } }).axe.run(
      (globalThis as unknown as { document: unknown }).document,
      {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      },
    ),
  );
  return result.violations;
}

/** Screenshot plus accessibility check of the page now shown; violations as readable lines. */
export async function capturePage(page: Page, name: string): Promise<string[]> {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
  const violations = await accessibilityViolations(page);
  return violations.map(
    (violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${JSON.stringify(violation.nodes.map((node) => node.target))}`,
  );
}
