import { join } from 'node:path';

import test from 'ava';
import type { BrowserContext } from 'playwright-core';

import { accessibilityViolations, launchChromium, screenshots, type Chromium } from '../helpers/chromium.ts';
import { pollToken, startDeviceAuthorization, startDeviceServer } from '../helpers/device-login.ts';
import { serverOnRedisPerFile } from '../helpers/server-per-file.ts';
import { demoPassword } from '../helpers/start-server.ts';

const shared = serverOnRedisPerFile({ start: (redisUrl) => startDeviceServer(redisUrl) });

let chromium: Chromium;
let context: BrowserContext;

test.before(async () => {
  chromium = await launchChromium();
  ({ context } = chromium);
});

test.after.always(async () => {
  await chromium?.close();
});

test('a person completes device login in Chromium: four pages, screenshots, no accessibility violations', async (t) => {
  const authorization = await startDeviceAuthorization(shared.server, { client_id: 'demo-cli' }, { 'user-agent': 'tollgate-cli/0.1 (Linux x86_64)' });
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
  const { status, body } = await pollToken(shared.server, authorization.device_code);
  t.is(status, 200);
  t.truthy(body.access_token);
  t.truthy(body.refresh_token);
});
