import test from 'ava';

import type { RunningServer } from '../../src/server.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { startDeviceAuthorization } from '../helpers/device-login.ts';
import { startTestServer } from '../helpers/start-server.ts';
import { TestBrowser, type Page } from '../helpers/test-browser.ts';

// 11.3: nothing a client sends may cause a 500, a stack trace in a response, or an error-level log.
const log = captureLog('info');
let server: RunningServer;

test.before(async () => {
  server = await startTestServer({ logger: log.logger });
});

test.after.always(() => server?.stop());

function assertOurPage(
  t: { regex(a: string, b: RegExp, m?: string): void; notRegex(a: string, b: RegExp, m?: string): void },
  page: Page | { headers: Headers; html: string },
) {
  t.regex(page.headers.get('content-type') ?? '', /text\/html/);
  t.regex(page.html, /tollgate<\/span>/, 'our page shell');
  t.notRegex(page.html, /at .*\.(ts|js):\d+/, 'no stack trace');
  t.regex(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
}

function errorLines() {
  return log
    .text()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .filter((line) => line.level >= 50);
}

test.serial('GET /device/<anything> without a session is our sign-in-expired page, not a 500', async (t) => {
  const page = await new TestBrowser().request(`${server.url}/device/not-a-real-uid`);
  t.is(page.status, 400);
  t.regex(page.text, /sign-in has expired/);
  assertOurPage(t, page);
  t.deepEqual(errorLines(), []);
});

test.serial('POST /device without a session cookie is our form-expired page, not a 500', async (t) => {
  const page = await new TestBrowser().request(`${server.url}/device`, { form: { user_code: 'BCDF-GHJK', xsrf: 'x' } });
  t.is(page.status, 403);
  t.regex(page.text, /This form has expired/);
  t.regex(page.html, /href="[^"]*\/device"/);
  assertOurPage(t, page);
  t.deepEqual(errorLines(), []);
});

test.serial('POST /device with a session cookie whose session is gone is our code page, saying the form expired', async (t) => {
  const first = await fetch(`${server.url}/device`, { headers: { accept: 'text/html' } });
  const html = await first.text();
  const cookies = first.headers.getSetCookie().map((line) => line.split(';')[0] as string);
  const sessionId = cookies.find((cookie) => cookie.startsWith('_session='))?.slice('_session='.length);
  t.truthy(sessionId);
  await server.tollgate.storage.modelAdapter('Session').destroy(sessionId as string);
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] as string;
  const response = await fetch(`${server.url}/device`, {
    method: 'POST',
    headers: { cookie: cookies.join('; '), accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf, user_code: 'BCDF-GHJK' }),
  });
  const page = { headers: response.headers, html: await response.text() };
  t.is(response.status, 400);
  t.regex(page.html, /This form has expired/);
  assertOurPage(t, page);
  t.deepEqual(errorLines(), []);
});

async function signInPage(): Promise<{ browser: TestBrowser; page: Page }> {
  const browser = new TestBrowser();
  const authorization = await startDeviceAuthorization(server);
  const page = await browser.submit(await browser.request(authorization.verification_uri), { user_code: authorization.user_code });
  return { browser, page };
}

test.serial('the sign-in form refuses JSON (a numeric username, an object password) with our page', async (t) => {
  const { browser, page } = await signInPage();
  t.regex(page.text, /Sign in/);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1] as string;
  const answer = await browser.request(`${page.url}/login`, {
    raw: JSON.stringify({ csrf, username: 1, password: { a: 1 } }),
    headers: { 'content-type': 'application/json' },
  });
  t.is(answer.status, 415);
  assertOurPage(t, answer);
  const text = await browser.request(`${page.url}/login`, { raw: 'username=a', headers: { 'content-type': 'text/plain' } });
  t.is(text.status, 415);
  assertOurPage(t, text);
  t.deepEqual(errorLines(), []);
});

test.serial('a sign-in form over 8 KiB gets our page with 413', async (t) => {
  const { browser, page } = await signInPage();
  const answer = await browser.request(`${page.url}/login`, { form: { username: 'demo', password: 'x'.repeat(9 * 1024) } });
  t.is(answer.status, 413);
  assertOurPage(t, answer);
});

test.serial('an unknown route is a JSON 404; an unknown page a browser asks for is our HTML 404', async (t) => {
  const api = await fetch(`${server.url}/no-such-endpoint`);
  t.is(api.status, 404);
  t.regex(api.headers.get('content-type') ?? '', /application\/json/);
  t.deepEqual(await api.json(), { error: 'not_found', error_description: 'no such endpoint' });

  const wrongMethod = await fetch(`${server.url}/token`);
  t.is(wrongMethod.status, 404);
  t.is(((await wrongMethod.json()) as { error: string }).error, 'not_found');

  const page = await new TestBrowser().request(`${server.url}/device/a/b`);
  t.is(page.status, 404);
  assertOurPage(t, page);
  // Anything under /interaction/ that is no live sign-in is the sign-in-expired page (issue 21 item 22).
  const interaction = await new TestBrowser().request(`${server.url}/interaction/x/y/z`);
  t.is(interaction.status, 400);
  assertOurPage(t, interaction);
});
