import test, { type ExecutionContext } from 'ava';
import type { Page } from 'playwright-core';

import { captureLog } from '../helpers/capture-log.ts';
import { launchChromium, capturePage, type Chromium } from '../helpers/chromium.ts';
import { startDeviceAuthorization } from '../helpers/device-login.ts';
import { alice, pollDevice, startUpstreamTestBed, type UpstreamTestBed } from '../helpers/upstream-setup.ts';

// Upstream sign-in in a real browser: the sign-in page with its buttons and every refusal page,
// screenshotted (artifacts/screenshots/upstream-*.png) and checked for accessibility.
let bed: UpstreamTestBed;
let chromium: Chromium;

test.before(async () => {
  bed = await startUpstreamTestBed(captureLog('silent'));
  chromium = await launchChromium();
  bed.idp.people.set('alice-sub', alice);
  bed.idp.people.set('bob-sub', { ...alice, preferred_username: 'bob', email: 'bob@elsewhere.test' });
  bed.idp.people.set('carol-sub', { ...alice, preferred_username: 'carol', email: 'carol@acme.test', groups: ['visitors'] });
});

test.after.always(async () => {
  await chromium?.close();
  await bed?.stop();
});

/** A fresh browser tab on the sign-in page of a new device login. */
async function signInPage() {
  const authorization = await startDeviceAuthorization(bed.server);
  // A person not yet signed in to tollgate (nor to the IdP): a session would skip the sign-in page.
  await chromium.context.clearCookies();
  const page = await chromium.context.newPage();
  await page.goto(authorization.verification_uri);
  await page.getByLabel('Device code').fill(authorization.user_code);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(/\/interaction\//);
  return { authorization, page };
}

async function check(t: ExecutionContext, page: Page, name: string, heading: RegExp) {
  t.regex((await page.locator('h1').textContent()) ?? '', heading, name);
  t.deepEqual(await capturePage(page, name), [], `${name}: accessibility violations`);
}

test.serial('a person signs in through the upstream in Chromium and approves the device', async (t) => {
  const { authorization, page } = await signInPage();
  await check(t, page, 'upstream-1-sign-in', /Sign in/);
  bed.idp.nextSignIn = 'alice-sub';
  await page.getByRole('button', { name: 'Continue with Acme SSO' }).click();
  await page.getByRole('heading', { name: 'Approve this device?' }).waitFor();
  await check(t, page, 'upstream-2-confirm', /Approve this device\?/);
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.getByRole('heading', { name: 'Device connected' }).waitFor();
  t.is((await pollDevice(bed, authorization)).status, 200);
  await page.close();
});

for (const [name, sub, heading] of [
  ['upstream-refused-domain', 'bob-sub', /You cannot sign in here/],
  ['upstream-refused-group', 'carol-sub', /You cannot sign in here/],
  ['upstream-cancelled', 'deny', /Sign-in cancelled/],
] as const) {
  test.serial(`refusal page: ${name}`, async (t) => {
    const { authorization, page } = await signInPage();
    bed.idp.nextSignIn = sub;
    await page.getByRole('button', { name: 'Continue with Acme SSO' }).click();
    await page.waitForURL(/\/upstream\/acme\/callback/);
    await check(t, page, name, heading);
    t.is((await pollDevice(bed, authorization)).body.error, 'authorization_pending');
    await page.getByRole('link', { name: 'Back to sign-in' }).click();
    await page.getByRole('button', { name: 'Continue with Acme SSO' }).waitFor();
    await page.close();
  });
}

test.serial('refusal pages: an ID token signed by another key, and a replayed callback', async (t) => {
  bed.idp.nextSignIn = 'alice-sub';
  bed.idp.tamper = (payload) => ({ payload, key: 'foreign' });
  t.teardown(() => (bed.idp.tamper = undefined));
  const forged = await signInPage();
  await forged.page.getByRole('button', { name: 'Continue with Acme SSO' }).click();
  await forged.page.waitForURL(/\/upstream\/acme\/callback/);
  await check(t, forged.page, 'upstream-refused-signature', /Sign-in could not be verified/);
  await forged.page.close();
  bed.idp.tamper = undefined;

  const { page } = await signInPage();
  let callback = '';
  page.on('request', (request) => {
    if (/\/upstream\/acme\/callback/.test(request.url())) callback = request.url();
  });
  await page.getByRole('button', { name: 'Continue with Acme SSO' }).click();
  await page.getByRole('heading', { name: 'Approve this device?' }).waitFor();
  await page.goto(callback);
  await check(t, page, 'upstream-refused-replay', /Sign-in link already used/);
  await page.close();
});

test.serial('refusal page: an upstream that is down', async (t) => {
  await bed.flaky.stop();
  const { page } = await signInPage();
  await page.getByRole('button', { name: 'Continue with Flaky IdP' }).click();
  await check(t, page, 'upstream-down', /Flaky IdP is not reachable/);
  await page.close();
});
