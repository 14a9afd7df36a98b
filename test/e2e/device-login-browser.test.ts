import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import test from 'ava';
import type { BrowserContext } from 'playwright-core';

import { accessibilityViolations, capturePage, launchChromium, screenshots, type Chromium } from '../helpers/chromium.ts';
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

// Where the confirm page's screenshots at a desktop and a phone width go (outside the repository).
const confirmShots = process.env.TOLLGATE_CONFIRM_SCREENSHOTS ?? join(tmpdir(), 'tollgate-confirm-screenshots');

test.serial('a person completes device login in Chromium: four pages, screenshots, no accessibility violations', async (t) => {
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
    const summary = violations.map(
      (violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${JSON.stringify(violation.nodes.map((node) => node.target))}`,
    );
    t.deepEqual(summary, [], `${name}: accessibility violations`);
    for (const rule of ['label', 'color-contrast'])
      t.false(
        violations.some((violation) => violation.id === rule),
        `${name}: ${rule}`,
      );
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
  // RFC 8628 §5.4: when the code was requested, and the warning where the eye is, above the buttons.
  t.regex((await page.locator('.device').textContent()) ?? '', /Requested\s*(just now|\d+ seconds? ago)/);
  const warning = await page.locator('#phishing-warning').boundingBox();
  const approve = await page.getByRole('button', { name: 'Approve' }).boundingBox();
  t.true(warning !== null && approve !== null && warning.y + warning.height <= approve.y, 'the warning is above the buttons');
  await mkdir(confirmShots, { recursive: true });
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(confirmShots, `confirm-${width}.png`), fullPage: true });
    t.deepEqual(await capturePage(page, `3-confirm-${width}`), [], `confirm page at ${width} px: accessibility violations`);
  }
  await page.setViewportSize({ width: 900, height: 820 });
  await page.getByRole('button', { name: 'Approve' }).click();

  await page.getByRole('heading', { name: 'Device connected' }).waitFor();
  await check('4-done', /Device connected/);

  t.deepEqual(cspViolations, []);
  const { status, body } = await pollToken(shared.server, authorization.device_code);
  t.is(status, 200);
  t.truthy(body.access_token);
  t.truthy(body.refresh_token);
});

test.serial('in Chromium a denied code is final: Deny, Back, Approve issues no tokens', async (t) => {
  const authorization = await startDeviceAuthorization(shared.server, { client_id: 'demo-cli' });
  const page = await context.newPage();
  await page.goto(authorization.verification_uri_complete);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/\/interaction\//);
  // The browser may still be signed in from the test before; the confirm page shows either way.
  if (await page.getByLabel('Password').isVisible()) {
    await page.getByLabel('Username').fill('demo');
    await page.getByLabel('Password').fill(demoPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.getByRole('heading', { name: 'Approve this device?' }).waitFor();
  // The same confirm page in a second tab: what Back shows when the browser keeps the page.
  const kept = await context.newPage();
  await kept.goto(page.url());
  await kept.getByRole('heading', { name: 'Approve this device?' }).waitFor();
  await page.getByRole('button', { name: 'Deny' }).click();
  await page.getByRole('heading', { name: 'Login denied' }).waitFor();

  await kept.getByRole('button', { name: 'Approve' }).click();
  await kept.locator('h1').waitFor();
  t.notRegex((await kept.locator('h1').textContent()) ?? '', /Device connected/);
  await kept.close();
  // And Back in the first tab offers nothing that connects the device either.
  await page.goBack();
  const approve = page.getByRole('button', { name: 'Approve' });
  if (await approve.isVisible()) await approve.click();
  t.notRegex((await page.locator('h1').textContent()) ?? '', /Device connected/);
  const { status, body } = await pollToken(shared.server, authorization.device_code);
  t.is(status, 400);
  t.is(body.error, 'access_denied');
  t.false('access_token' in body);
  await page.close();
});
