import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import test, { type ExecutionContext } from 'ava';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Cookie, Page } from 'playwright-core';

import type { RunningServer } from '../../src/server.ts';
import { adminCall, adminToken } from '../helpers/admin-api.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { accessibilityViolations, launchChromium, screenshots, type Chromium } from '../helpers/chromium.ts';
import { dumpRedis } from '../helpers/dump-redis.ts';
import { demoPassword, postForm, startTestServer } from '../helpers/start-server.ts';
import { startTestIssuer, type TestIssuer } from '../helpers/test-issuer.ts';
import { alice, startUpstreamTestBed, type UpstreamTestBed } from '../helpers/upstream-setup.ts';

// The maintainers' token pages (SPEC §15, issue 19 item 5) in Chromium against the real server
// on Redis, people signing in through a second OpenID Provider started here, CI jobs proving
// who they are with tokens of a local GitHub-Actions-shaped issuer. Every page is
// checked with axe and screenshotted: into docs/images when TOLLGATE_DOC_SCREENSHOTS is set
// (the screenshots of docs/team-tokens.md), else where the other browser tests put theirs.
const log = captureLog('info');
const api = 'https://plugins.example.org';
const apiPage = (base: string) => `${base}/tokens/resources/${encodeURIComponent(api)}`;
const shots = process.env.TOLLGATE_DOC_SCREENSHOTS ? join('docs', 'images') : screenshots;

let bed: UpstreamTestBed;
let chromium: Chromium;
let actions: TestIssuer;
let idTokenEndpoint: { url: string; server: Server };
/** The claims of the GitHub Actions job asking for its OIDC token, over those of qgis/plugin-x on main. */
let ciJob: Record<string, string> = {};
const jobRequestToken = 'job-request-token';
/** Every token value the pages showed: none may be in Redis. */
const values: string[] = [];

const person = (name: string, groups: string[], department = 'dev') => ({
  ...alice,
  preferred_username: name,
  name: `${name[0]?.toUpperCase()}${name.slice(1)} Example`,
  email: `${name}@acme.test`,
  groups,
  department,
});

/**
 * GitHub's side of a job asking for its OIDC token ($ACTIONS_ID_TOKEN_REQUEST_URL with the
 * job's request token, the audience as a parameter), minting from the local issuer.
 */
async function startIdTokenEndpoint(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const audience = new URL(req.url ?? '/', 'http://github.invalid').searchParams.get('audience');
    if (req.headers.authorization !== `bearer ${jobRequestToken}` || !audience) return void res.writeHead(401).end();
    void actions.githubActionsToken('qgis/plugin-x', 'refs/heads/main', audience, ciJob).then((value) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: value.length, value }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/_apis/token?api-version=2.0`, server };
}

test.before(async () => {
  actions = await startTestIssuer();
  idTokenEndpoint = await startIdTokenEndpoint();
  bed = await startUpstreamTestBed(log, { reverifyAfter: 1, trustedIssuers: [actions.issuer] });
  chromium = await launchChromium();
  await mkdir(shots, { recursive: true });
  // Alice (A) and Bob (B) maintain the API through the upstream group; Carol does not.
  bed.idp.people.set('alice-sub', person('alice', ['staff', 'lab-admins', 'plugins-team'], 'qa'));
  bed.idp.people.set('bob-sub', person('bob', ['staff', 'plugins-team']));
  bed.idp.people.set('carol-sub', person('carol', ['staff']));
  const admin = await adminToken(bed.server);
  const created = await adminCall(bed.server, admin, 'POST', '/resources', {
    identifier: api,
    name: 'Plugins API',
    scopes: ['publish', 'read'],
    maintainers: { accounts: [], groups: [{ upstream: 'acme', group: 'plugins-team' }] },
    self_service: true,
    self_service_max_priority: { lab: 9, qa: 7 },
    self_service_max_lifetime_days: 90,
    trusted_publisher_issuers: [actions.issuer],
  });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
});

test.after.always(async () => {
  await chromium?.close();
  await bed?.stop();
  idTokenEndpoint?.server.close();
  await actions?.stop();
});

interface Box {
  tagName: string;
  className: string;
  getBoundingClientRect(): { right: number };
}

/** The elements reaching past the right edge of a 360 px screen, by tag and class. */
const wideElements = (page: Page) =>
  page.evaluate(() =>
    [...(globalThis as unknown as { document: { querySelectorAll(selector: string): Box[] } }).document.querySelectorAll('body *')]
      .filter((element) => element.getBoundingClientRect().right > 361)
      .map((element) => `${element.tagName.toLowerCase()}.${element.className}`),
  );

/**
 * axe finds nothing, and the page is screenshotted at the desktop width the docs use and, with
 * `phone`, also at 1280 px (with the browser tests' other screenshots) and at 360 px.
 */
async function check(t: ExecutionContext, page: Page, name: string, heading: RegExp, options: { phone?: boolean } = {}) {
  t.regex((await page.locator('h1').textContent()) ?? '', heading, name);
  const violations = await accessibilityViolations(page);
  t.deepEqual(
    violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${JSON.stringify(violation.nodes.map((node) => node.target))}`),
    [],
    `${name}: accessibility violations`,
  );
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  if (options.phone) {
    const desktop = page.viewportSize();
    await page.setViewportSize({ width: 1280, height: 820 });
    t.deepEqual(await accessibilityViolations(page), [], `${name} at 1280 px: accessibility violations`);
    await page.screenshot({ path: join(screenshots, `${name}-1280.png`), fullPage: true });
    await page.setViewportSize({ width: 360, height: 740 });
    t.deepEqual(await wideElements(page), [], `${name}: elements wider than 360 px`);
    t.deepEqual(await accessibilityViolations(page), [], `${name} at 360 px: accessibility violations`);
    await page.screenshot({ path: join(shots, `${name}-360.png`), fullPage: true });
    if (desktop) await page.setViewportSize(desktop);
  }
}

/** A fresh tab for `sub`, who signs in through the upstream and lands on the list of their APIs. */
async function signIn(sub: string): Promise<Page> {
  await chromium.context.clearCookies();
  const page = await chromium.context.newPage();
  await page.goto(`${bed.server.url}/tokens`);
  bed.idp.nextSignIn = sub;
  await page.getByRole('button', { name: 'Continue with Acme SSO' }).click();
  await page.getByRole('heading', { name: 'Your APIs' }).waitFor();
  return page;
}

/** What a shell prints running `command` with only PATH and `env` in its environment. */
function runShell(command: string, env: Record<string, string>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { env: { PATH: process.env.PATH, ...env } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', () => resolve(out));
  });
}

/** The curl command the page shows, run by a shell with the token in TOLLGATE_TOKEN (and the status printed after the body). */
async function runCurl(snippet: string, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const output = await runShell(snippet.replace('curl -fsS', "curl -sS -w '\\n%{http_code}'"), { TOLLGATE_TOKEN: token });
  const lines = output.trimEnd().split('\n');
  return { status: Number(lines.pop()), body: JSON.parse(lines.join('\n') || '{}') as Record<string, unknown> };
}

/**
 * The `run:` script of the workflow step the page shows, run as a GitHub Actions runner would:
 * with the job's ID-token request URL and token, and a GITHUB_OUTPUT file. The access token it
 * writes there, if any.
 */
async function runWorkflowStep(snippet: string): Promise<string | undefined> {
  const lines = snippet.split('\n');
  const start = lines.findIndex((line) => line.trim() === 'run: |') + 1;
  const indent = /^ */.exec(lines[start] ?? '')?.[0] ?? '';
  const body = lines.slice(start);
  const end = body.findIndex((line) => !line.startsWith(indent));
  const script = (end === -1 ? body : body.slice(0, end)).map((line) => line.slice(indent.length));
  const dir = await mkdtemp(join(tmpdir(), 'tollgate-actions-'));
  try {
    const output = join(dir, 'github-output');
    await runShell(['set -e', `: > ${output}`, ...script].join('\n'), {
      ACTIONS_ID_TOKEN_REQUEST_URL: idTokenEndpoint.url,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: jobRequestToken,
      GITHUB_OUTPUT: output,
    });
    return /^access_token=(.+)$/m.exec(await readFile(output, 'utf8'))?.[1];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A form of the API's page, by its submit button: two forms there have a Description and priorities. */
const formOf = (page: Page, button: 'Make token' | 'Add trusted publisher') => page.locator('form', { has: page.getByRole('button', { name: button }) });

interface Made {
  value: string;
  curl: string;
}

/** Fills the make-a-token form and submits it; the page that shows the new value is next. */
async function makeToken(page: Page, description: string, priorities: Record<string, string> = {}, expiresInDays?: number): Promise<void> {
  const form = formOf(page, 'Make token');
  await form.getByLabel('Description').fill(description);
  if (expiresInDays) await form.getByLabel('Expires on').fill(new Date(Date.now() + expiresInDays * 86400_000).toISOString().slice(0, 10));
  for (const [queue, priority] of Object.entries(priorities)) await form.getByLabel(`Queue ${queue}`).fill(priority);
  await page.getByRole('button', { name: 'Make token' }).click();
}

async function shownValue(page: Page): Promise<Made> {
  await page.getByRole('heading', { name: 'Copy your new token now' }).waitFor();
  const value = ((await page.locator('#token-value').textContent()) ?? '').trim();
  values.push(value);
  return { value, curl: (await page.locator('#curl-snippet').textContent()) ?? '' };
}

let first: Made;
let nightly: Made;
let aliceCookies: Cookie[];

test.serial('maintainer A signs in through the upstream, makes a token and sees its value once', async (t) => {
  await chromium.context.clearCookies();
  const page = await chromium.context.newPage();
  await page.goto(`${bed.server.url}/tokens`);
  await check(t, page, 'tokens-sign-in', /Sign in/, { phone: true });
  bed.idp.nextSignIn = 'alice-sub';
  await page.getByRole('button', { name: 'Continue with Acme SSO' }).click();
  await page.getByRole('heading', { name: 'Your APIs' }).waitFor();
  await check(t, page, 'tokens-your-apis', /Your APIs/);

  await page.getByRole('link', { name: 'Plugins API' }).click();
  await check(t, page, 'tokens-api-empty', /Plugins API/);
  await makeToken(page, 'release workflow', { lab: '5' });
  first = await shownValue(page);
  t.regex(first.value, /^tgrt_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}$/);
  t.true(await page.getByRole('button', { name: 'Copy token' }).isVisible(), 'the copy script ran: the CSP allows our script file');
  await check(t, page, 'tokens-new-token', /Copy your new token now/, { phone: true });

  const reloaded = await page.reload();
  t.is(reloaded?.headers()['cache-control'], 'no-store');
  await check(t, page, 'tokens-value-shown-once', /shown once already/);
  t.false((await page.content()).includes(first.value), 'a reload does not show the value');
  await page.goBack();
  t.false((await page.content()).includes(first.value), 'nor does going back');
  aliceCookies = await chromium.context.cookies();
  await page.close();
});

test.serial('the token works with plain curl: a JWT for the API, verified through our JWKS, and its last use shows', async (t) => {
  const { status, body } = await runCurl(first.curl, first.value);
  t.is(status, 200, JSON.stringify(body));
  const { payload } = await jwtVerify(body.access_token as string, createRemoteJWKSet(new URL(`${bed.server.url}/jwks`)), {
    issuer: bed.server.url,
    audience: api,
    typ: 'at+jwt',
  });
  t.is(payload.scope, 'publish read');
  t.deepEqual(payload.max_priority, { lab: 5 });
  t.is(payload.client_id, first.value.slice(0, 17));
  t.is(payload.sub, first.value.slice(0, 17), 'the token names the resource token, never its creator');

  await chromium.context.addCookies(aliceCookies);
  const page = await chromium.context.newPage();
  await page.goto(apiPage(bed.server.url));
  const card = page.locator('li.card', { hasText: 'release workflow' });
  t.regex((await card.textContent()) ?? '', /Last used\s*\d.*UTC\s*from 127\.0\.0\.1/);
  await makeToken(page, 'nightly upload', { qa: '2' }, 10);
  nightly = await shownValue(page);
  await page.goto(apiPage(bed.server.url));
  t.regex((await page.locator('.warning').textContent()) ?? '', /1 token expires within 14 days/);
  t.regex((await page.locator('li.card', { hasText: 'nightly upload' }).textContent()) ?? '', /Expires soon.*in 10 days/s);
  await check(t, page, 'tokens-api', /Plugins API/, { phone: true });
  await page.close();
});

test.serial(
  'a priority above the creator’s own or the API’s ceiling, and an expiry past the maximum, are refused on the form with the input kept',
  async (t) => {
    await chromium.context.addCookies(aliceCookies);
    const page = await chromium.context.newPage();
    await page.goto(apiPage(bed.server.url));
    const before = await page.locator('li.card').count();

    await makeToken(page, 'too much qa', { qa: '6' });
    await page.getByText('The token was not made').waitFor();
    t.regex((await page.locator('#priority-1-error').textContent()) ?? '', /above your own max_priority of 5/i);
    const form = formOf(page, 'Make token');
    t.is(await form.getByLabel('Description').inputValue(), 'too much qa');
    t.is(await form.getByLabel('Queue qa').inputValue(), '6');
    t.is(await form.getByLabel('Queue qa').getAttribute('aria-invalid'), 'true');
    await check(t, page, 'tokens-form-error', /Plugins API/);

    await form.getByLabel('Queue qa').fill('');
    await makeToken(page, 'too much lab', { lab: '10' });
    await page.getByText('The token was not made').waitFor();
    t.regex((await page.locator('#priority-0-error').textContent()) ?? '', /above the resource's ceiling of 9/i);

    await form.getByLabel('Queue lab').fill('');
    const tooLate = new Date(Date.now() + 120 * 86400_000).toISOString().slice(0, 10);
    // As an old browser would: the date field's own maximum is not enforced by the browser.
    await page.locator('#expires').evaluate((input) => input.removeAttribute('max'));
    await page.locator('#expires').fill(tooLate);
    await makeToken(page, 'too long');
    await page.getByText('The token was not made').waitFor();
    t.regex((await page.locator('#expires-error').textContent()) ?? '', /later than the maximum lifetime of 90 days/i);
    t.is(await page.locator('#expires').inputValue(), tooLate);
    t.is(await page.locator('li.card').count(), before, 'no token was made');
    await page.close();
  },
);

test.serial('a form without the session’s anti-forgery token, or with a wrong one, changes nothing', async (t) => {
  await chromium.context.addCookies(aliceCookies);
  const page = await chromium.context.newPage();
  await page.goto(apiPage(bed.server.url));
  const csrf = (await page.locator('input[name=csrf]').first().getAttribute('value')) as string;
  const form = { description: 'forged', expires: new Date(Date.now() + 10 * 86400_000).toISOString().slice(0, 10), 'scope:publish': 'on' };
  const tokensBefore = (await bed.server.tollgate.selfService.store.list(api)).length;
  for (const sent of [form, { ...form, csrf: `${csrf.slice(0, -2)}AA` }, { ...form, csrf: 'x' }]) {
    const response = await chromium.context.request.post(`${apiPage(bed.server.url)}/tokens`, { form: sent, maxRedirects: 0 });
    t.is(response.status(), 403);
    t.regex(await response.text(), /could not be verified, so nothing was changed/);
  }
  const revoke = await chromium.context.request.post(`${apiPage(bed.server.url)}/tokens/${first.value.slice(0, 17)}/revoke`, { form: {}, maxRedirects: 0 });
  t.is(revoke.status(), 403);
  t.is((await bed.server.tollgate.selfService.store.list(api)).length, tokensBefore);
  t.is((await runCurl(first.curl, first.value)).status, 200, 'the token is not revoked');
  await page.close();
});

test.serial('maintainer B (by upstream group) sees A’s token, revokes it after a confirmation, and it is refused at once', async (t) => {
  const page = await signIn('bob-sub');
  await page.getByRole('link', { name: 'Plugins API' }).click();
  const card = page.locator('li.card', { hasText: 'release workflow' });
  t.regex((await card.textContent()) ?? '', /Created by\s*Alice Example\s*Created/);
  await card.getByRole('link', { name: 'Revoke release workflow' }).click();
  await check(t, page, 'tokens-revoke', /Revoke this token\?/, { phone: true });
  await page.getByRole('button', { name: 'Revoke token' }).click();
  await page.getByText('is revoked: it gets no more access tokens').waitFor();
  const refused = await runCurl(first.curl, first.value);
  t.is(refused.status, 401);
  t.is(refused.body.error, 'invalid_client');
  t.regex((await page.locator('li.card', { hasText: 'release workflow' }).textContent()) ?? '', /Revoked.*by Bob Example/s);
  t.regex((await page.locator('.activity').textContent()) ?? '', /Token revoked, "release workflow" \(tgrt_\w+\), by Bob Example \(bob\)/);

  await page.locator('li.card', { hasText: 'nightly upload' }).getByRole('link', { name: 'Rotate nightly upload' }).click();
  await check(t, page, 'tokens-rotate', /Rotate this token\?/);
  await page.getByLabel('Keep the old value working?').selectOption('3600');
  await page.getByRole('button', { name: 'Rotate token' }).click();
  const rotated = await shownValue(page);
  t.regex((await page.locator('main').textContent()) ?? '', /The old value keeps working until/);
  t.is((await runCurl(rotated.curl, rotated.value)).status, 200, 'the new value works');
  t.is((await runCurl(nightly.curl, nightly.value)).status, 200, 'the old one too, within the overlap');
  nightly = rotated;
  await page.close();
});

let publisherId: string;
/** The OIDC token of a job of the bound repository (qgis/plugin-x, 812345678 of 483444) for tollgate. */
const genuineJob = () => actions.githubActionsToken('qgis/plugin-x', 'refs/heads/main', bed.server.url);
const jwtBearer = (clientId: string, assertion: string) =>
  postForm(`${bed.server.url}/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', client_id: clientId, assertion });

test.serial(
  'maintainer A binds a GitHub Actions repository on the page (by name alone: refused): the workflow step shown gets a JWT for the API, a recycled repository name does not',
  async (t) => {
    await chromium.context.addCookies(aliceCookies);
    const page = await chromium.context.newPage();
    await page.goto(apiPage(bed.server.url));
    const form = formOf(page, 'Add trusted publisher');
    await form.getByLabel('Description').fill('tag releases');
    await form.getByLabel('Repository (OWNER/REPO)').fill('qgis/plugin-x');
    await form.getByRole('button', { name: 'Add trusted publisher' }).click();
    await page.getByText('The trusted publisher was not added').waitFor();
    t.regex((await page.locator('#publisher-repository-id-error').textContent()) ?? '', /^Required: GitHub's immutable repository id .* taken again/);
    t.is(await form.getByLabel('Repository (OWNER/REPO)').inputValue(), 'qgis/plugin-x', 'what was typed is kept');
    t.is(await form.getByLabel('Repository id').getAttribute('aria-invalid'), 'true');
    t.regex((await form.locator('#github-ids-hint').textContent()) ?? '', /gh api repos\/OWNER\/REPO --jq '\.id, \.owner\.id'/);
    await check(t, page, 'tokens-publisher-form-error', /Plugins API/);

    await form.getByLabel('Repository id').fill('812345678');
    await form.getByLabel('Owner id').fill('483444');
    await form.getByLabel('Git ref').fill('refs/heads/main');
    await form.getByLabel('Queue lab').fill('3');
    await form.getByRole('button', { name: 'Add trusted publisher' }).click();
    await page.getByRole('heading', { name: 'Trusted publisher added' }).waitFor();
    publisherId = /\/publishers\/(tgtp_[0-9A-Za-z]{12})\?added(?:#|$)/.exec(page.url())?.[1] as string;
    t.truthy(publisherId, page.url());
    await check(t, page, 'tokens-publisher-added', /Trusted publisher added/, { phone: true });

    const accessToken = await runWorkflowStep((await page.locator('#publisher-snippet').textContent()) ?? '');
    t.truthy(accessToken, 'the step wrote an access token to GITHUB_OUTPUT');
    const { payload } = await jwtVerify(accessToken as string, createRemoteJWKSet(new URL(`${bed.server.url}/jwks`)), {
      issuer: bed.server.url,
      audience: api,
      typ: 'at+jwt',
    });
    t.like(payload, { sub: publisherId, client_id: publisherId, scope: 'publish read', max_priority: { lab: 3 } });

    // Another repository now holds the name qgis/plugin-x: GitHub gives it another repository_id.
    ciJob = { repository_id: '999000111' };
    t.is(await runWorkflowStep((await page.locator('#publisher-snippet').textContent()) ?? ''), undefined);
    ciJob = {};
    const recycled = await jwtBearer(
      publisherId,
      await actions.githubActionsToken('qgis/plugin-x', 'refs/heads/main', bed.server.url, { repository_id: '999000111' }),
    );
    t.is(recycled.body.error, 'invalid_grant');
    t.regex(String(recycled.body.error_description), /repository_id/);

    await page.goto(apiPage(bed.server.url));
    const kubernetes = formOf(page, 'Add trusted publisher');
    await kubernetes.getByRole('radio', { name: 'A Kubernetes service account' }).check();
    t.false(await kubernetes.getByLabel('Repository id').isVisible(), "the other kind's fields are hidden, without a script");
    await kubernetes.getByLabel('Description').fill('nightly sync');
    await kubernetes.getByLabel('Namespace').fill('ci');
    await kubernetes.getByLabel('Service account', { exact: true }).fill('publisher');
    await kubernetes.getByLabel('Service account uid').fill(crypto.randomUUID());
    await kubernetes.getByRole('button', { name: 'Add trusted publisher' }).click();
    await page.getByRole('heading', { name: 'Trusted publisher added' }).waitFor();
    t.regex((await page.locator('#publisher-snippet').textContent()) ?? '', /serviceAccountToken:\s+path: token\s+audience: http/);
    await check(t, page, 'tokens-publisher-kubernetes', /Trusted publisher added/);

    await page.goto(apiPage(bed.server.url));
    t.regex(
      (await page.locator('li.card', { hasText: 'tag releases' }).textContent()) ?? '',
      /repository id 812345678, owner id 483444.*Last used\s*\d.*UTC\s*from 127\.0\.0\.1/s,
    );
    await check(t, page, 'tokens-api-publishers', /Plugins API/, { phone: true });
    await page.close();
  },
);

test.serial('maintainer B removes A’s trusted publisher after a confirmation, and the CI job is refused at once', async (t) => {
  const job = await genuineJob();
  t.is((await jwtBearer(publisherId, job)).status, 200);
  const page = await signIn('bob-sub');
  await page.getByRole('link', { name: 'Plugins API' }).click();
  const card = page.locator('li.card', { hasText: 'tag releases' });
  t.regex((await card.textContent()) ?? '', /Created by\s*Alice Example\s*Created/);
  await card.getByRole('link', { name: 'Remove tag releases' }).click();
  await check(t, page, 'tokens-publisher-remove', /Remove this trusted publisher\?/, { phone: true });
  await page.getByRole('button', { name: 'Remove trusted publisher' }).click();
  await page.getByText(`Trusted publisher ${publisherId} is removed`).waitFor();
  const refused = await jwtBearer(publisherId, job);
  t.is(refused.status, 401);
  t.is(refused.body.error, 'invalid_client');
  t.is(await page.locator('li.card', { hasText: 'tag releases' }).count(), 0);
  const activity = (await page.locator('.activity').textContent()) ?? '';
  t.regex(activity, new RegExp(`Trusted publisher removed, \\(${publisherId}\\), by Bob Example \\(bob\\)`));
  t.regex(activity, new RegExp(`Trusted publisher used for the first time, \\(${publisherId}\\), from 127\\.0\\.0\\.1`));
  t.regex(activity, /Trusted publisher added, "nightly sync" \(tgtp_\w+\), by Alice Example \(alice\)/);
  await page.close();
});

test.serial('a non-maintainer sees no API and gets 403 at its address', async (t) => {
  const page = await signIn('carol-sub');
  await check(t, page, 'tokens-no-apis', /Your APIs/);
  t.is(await page.locator('li.card').count(), 0);
  const response = await page.goto(apiPage(bed.server.url));
  t.is(response?.status(), 403);
  await check(t, page, 'tokens-not-yours', /Not one of your APIs/);
  t.false((await page.content()).includes('nightly upload'));
  const forged = await page.goto(`${apiPage(bed.server.url)}/tokens/${nightly.value.slice(0, 17)}/revoke`);
  t.is(forged?.status(), 403);
  await page.close();
});

test.serial('A leaves the group upstream: the pages are gone at A’s next request, and the token A made keeps working', async (t) => {
  await chromium.context.clearCookies();
  await chromium.context.addCookies(aliceCookies);
  const page = await chromium.context.newPage();
  await page.goto(`${bed.server.url}/tokens`);
  t.is(await page.locator('li.card').count(), 1, 'A still maintains the API');
  bed.idp.people.set('alice-sub', person('alice', ['staff', 'lab-admins'], 'qa'));
  await sleep(1_100); // past reverifyAfter: the next request asks the upstream again
  await page.reload();
  t.is(await page.locator('li.card').count(), 0);
  t.is((await page.goto(apiPage(bed.server.url)))?.status(), 403);
  t.is((await runCurl(nightly.curl, nightly.value)).status, 200, 'the team’s CI keeps working');

  const bob = await signIn('bob-sub');
  await bob.getByRole('link', { name: 'Plugins API' }).click();
  t.regex((await bob.locator('li.card', { hasText: 'nightly upload' }).textContent()) ?? '', /no longer a maintainer/);
  t.regex(
    (await bob.locator('li.card', { hasText: 'nightly sync' }).textContent()) ?? '',
    /Created by\s*Alice Example no longer a maintainer/,
    'and so does the trusted publisher A added',
  );
  await page.close();
  await bob.close();
});

test.serial('an expired token is refused and leaves the list', async (t) => {
  const resource = await bed.server.tollgate.resources.get(api);
  const bob = await bed.server.tollgate.accounts.findByUsername('bob');
  if (!resource || !bob) throw new Error('no resource or account');
  const { value, record } = await bed.server.tollgate.selfService.tokens.create(
    resource,
    bob,
    undefined,
    { description: 'short-lived', expires_at: new Date(Date.now() + 2500).toISOString() } as never,
    { actor: { kind: 'account', id: bob.id } },
  );
  values.push(value);
  const curl = nightly.curl.replace(nightly.value.slice(0, 17), record.id);
  t.is((await runCurl(curl, value)).status, 200);
  await sleep(2_700);
  const refused = await runCurl(curl, value);
  t.is(refused.status, 401);
  t.is(refused.body.error, 'invalid_client');
  const page = await signIn('bob-sub');
  await page.goto(apiPage(bed.server.url));
  t.false((await page.content()).includes('short-lived'));
  await page.close();
});

test.serial('a full Redis dump holds no token value and no session id', async (t) => {
  const cookies = (await chromium.context.cookies()).concat(aliceCookies).filter((cookie) => cookie.name.startsWith('tollgate.tokens'));
  t.true(cookies.length >= 2);
  const { text } = await dumpRedis(bed.redis.url);
  t.true(text.includes('nightly upload'), 'the dump holds the token records');
  for (const secret of [...values, ...values.map((value) => value.slice(18)), ...cookies.map((cookie) => cookie.value)]) {
    t.false(text.includes(secret), `${secret.slice(0, 10)}... is in Redis`);
  }
  t.true(log.lines(/^security event$/).filter((line) => String(line.securityEvent).startsWith('resource_token.')).length >= 4);
  t.false(
    values.some((value) => log.text().includes(value.slice(18))),
    'no log line holds a value',
  );
});

test.serial('password sign-in, sign-out, and the idle timeout', async (t) => {
  const server: RunningServer = await startTestServer({ env: { TOLLGATE_TOKEN_PAGES_IDLE_TTL: '2' } });
  // Chromium keeps its connections open: no need to wait the default grace for them.
  t.teardown(() => server.stop(500));
  await chromium.context.clearCookies();
  const page = await chromium.context.newPage();
  await page.goto(`${server.url}/tokens`);
  await page.getByLabel('Username').fill('demo');
  await page.getByLabel('Password').fill(demoPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your APIs' }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You are signed out.').waitFor();
  await page.goto(`${server.url}/tokens`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();

  await page.getByLabel('Username').fill('demo');
  await page.getByLabel('Password').fill(demoPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your APIs' }).waitFor();
  await sleep(1_000);
  await page.reload();
  await page.getByRole('heading', { name: 'Your APIs' }).waitFor();
  await sleep(2_500);
  await page.reload();
  await page.getByText('Your session has ended').waitFor();
  await check(t, page, 'tokens-session-ended', /Sign in/);
  await page.close();
});
