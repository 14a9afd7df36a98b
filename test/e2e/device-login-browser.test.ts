import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import test from 'ava';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

import type { RunningServer } from '../../src/server.ts';
import { pollToken, startDeviceAuthorization, startDeviceServer } from '../helpers/device-login.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { demoPassword } from '../helpers/start-server.ts';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const screenshots = join('artifacts', 'screenshots');
const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let redis: TestRedis;
let server: RunningServer;
let context: BrowserContext;
let profile: string;

test.before(async () => {
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: apt-get install chromium (or set CHROMIUM_PATH)`);
  redis = await startRedis();
  server = await startDeviceServer(redis.url);
  profile = await mkdtemp(join(tmpdir(), 'tollgate-chromium-'));
  await mkdir(screenshots, { recursive: true });
  context = await chromium.launchPersistentContext(profile, {
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
});

test.after.always(async () => {
  await context?.close();
  await server?.stop();
  await redis?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
});

interface AxeResult {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }>;
}

/** Runs axe-core in the page (through the DevTools protocol: the page's CSP allows no script). */
async function accessibilityViolations(page: Page): Promise<AxeResult['violations']> {
  await page.evaluate(await axeSource);
  const result = await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResult> } }).axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    }),
  );
  return result.violations;
}

test('a person completes device login in Chromium: four pages, screenshots, no accessibility violations', async (t) => {
  const authorization = await startDeviceAuthorization(server, { client_id: 'demo-cli' }, { 'user-agent': 'tollgate-cli/0.1 (Linux x86_64)' });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) cspViolations.push(message.text());
  });

  async function check(name: string, heading: RegExp) {
    t.regex((await page.locator('h1').textContent()) ?? '', heading, name);
    await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
    const violations = await accessibilityViolations(page);
    const summary = violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${JSON.stringify(violation.nodes.map((node) => node.target))}`);
    t.deepEqual(summary, [], `${name}: accessibility violations`);
    for (const rule of ['label', 'color-contrast']) t.false(violations.some((violation) => violation.id === rule), `${name}: ${rule}`);
  }

  await page.goto(authorization.verification_uri);
  await check('1-code', /Connect a device/);
  await page.getByLabel('Device code').fill(authorization.user_code.toLowerCase());
  await page.getByRole('button', { name: 'Continue' }).click();

  await page.waitForURL(/\/interaction\//);
  await check('2-sign-in', /Sign in/);
  await page.getByLabel('Username').fill('demo');
  await page.getByLabel('Password').fill(demoPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.getByRole('heading', { name: 'Approve this device?' }).waitFor();
  await check('3-confirm', /Approve this device\?/);
  t.regex((await page.locator('main').textContent()) ?? '', /tollgate-cli\/0\.1 \(Linux x86_64\)/);
  await page.getByRole('button', { name: 'Approve' }).click();

  await page.getByRole('heading', { name: 'Device connected' }).waitFor();
  await check('4-done', /Device connected/);

  t.deepEqual(cspViolations, []);
  const { status, body } = await pollToken(server, authorization.device_code);
  t.is(status, 200);
  t.truthy(body.access_token);
  t.truthy(body.refresh_token);
});
