import test from 'ava';

import { collectionNames } from '../../src/storage/storage-names.ts';
import { adminCall, adminToken } from '../helpers/admin-api.ts';
import { serverPerFile } from '../helpers/server-per-file.ts';
import { demoPassword, startTestServer } from '../helpers/start-server.ts';
import { TestBrowser, type Page } from '../helpers/test-browser.ts';

// The maintainers' token pages with a browser that runs no script at all (test-browser.ts):
// everything works with forms and links alone. The Chromium journey is in
// test/e2e/token-pages-browser.test.ts.
const shared = serverPerFile(() => startTestServer({ env: { TOLLGATE_CLIENT_CACHE_MS: '0' } }));
const api = 'https://plugins.example.org';
const apiPath = `/tokens/resources/${encodeURIComponent(api)}`;
let admin: string;
let demoId: string;

test.before(async () => {
  admin = await adminToken(shared.server);
  demoId = ((await shared.server.tollgate.accounts.findByUsername('demo')) as { id: string }).id;
  const created = await adminCall(shared.server, admin, 'POST', '/resources', { identifier: api, name: 'Plugins API', scopes: ['publish'], maintainers: { accounts: [demoId] }, self_service: true });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
});

async function signedIn(): Promise<{ browser: TestBrowser; page: Page }> {
  const browser = new TestBrowser();
  const signIn = await browser.request(`${shared.server.url}${apiPath}`);
  const page = await browser.submit(signIn, { username: 'demo', password: demoPassword });
  return { browser, page };
}

const inDays = (days: number) => new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);

test('without any script: sign in with a password, land on the page asked for, make a token, see its value once', async (t) => {
  const { browser, page } = await signedIn();
  t.is(page.url, `${shared.server.url}${apiPath}`, 'back on the page asked for before signing in');
  const issued = await browser.submit(page, { description: 'release', expires: inDays(30), 'scope:publish': 'on' }, { action: /\/tokens#new-token$/ });
  t.regex(issued.url, /\/tokens\/tgrt_[0-9A-Za-z]{12}\/new$/);
  const value = /tgrt_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}/.exec(issued.text)?.[0];
  t.truthy(value);
  t.is(issued.headers.get('cache-control'), 'no-store');
  const again = await browser.request(issued.url);
  t.is(again.status, 200);
  t.false(again.text.includes(value as string));
  t.regex(again.text, /shown once already/);
});

test('every token page sends a CSP without script, forbids framing and caching; only the new value’s page may run the copy script', async (t) => {
  const { browser, page } = await signedIn();
  for (const shown of [page, await browser.request(`${shared.server.url}/tokens`), await browser.request(`${shared.server.url}/tokens/sign-in`), await browser.request(`${shared.server.url}/tokens/nowhere`)]) {
    const csp = shown.headers.get('content-security-policy') ?? '';
    t.regex(csp, /default-src 'none'/, shown.url);
    t.notRegex(csp, /script-src/, shown.url);
    t.regex(csp, /frame-ancestors 'none'/);
    t.is(shown.headers.get('cache-control'), 'no-store');
  }
  const issued = await browser.submit(page, { description: 'csp', expires: inDays(5) }, { action: /\/tokens#new-token$/ });
  t.regex(issued.headers.get('content-security-policy') ?? '', new RegExp(`script-src ${shared.server.url}/tokens/copy\\.js;`));
  t.regex(issued.html, /<script src="\/tokens\/copy\.js"><\/script>/);
  t.notRegex(issued.html, /<script>|on(click|load)=/, 'no inline script');
  const script = await fetch(`${shared.server.url}/tokens/copy.js`);
  t.regex(script.headers.get('content-type') ?? '', /^text\/javascript/);
});

test('the session cookie is HttpOnly, SameSite=Lax and only for /tokens; Secure when the issuer is https', async (t) => {
  const plain = await fetch(`${shared.server.url}/tokens/sign-in`);
  const signInCookie = plain.headers.getSetCookie().find((line) => line.startsWith('tollgate.tokens-sign-in='));
  t.regex(signInCookie ?? '', /; Path=\/tokens; Max-Age=\d+; HttpOnly; SameSite=Lax$/);

  const behindProxy = await startTestServer({ env: { TOLLGATE_TRUST_PROXY: 'true', TOLLGATE_ISSUER: 'https://tollgate.example.com' } });
  t.teardown(() => behindProxy.stop());
  // Reached directly over HTTP, as from a TLS proxy that sends no X-Forwarded-Proto: the issuer decides.
  const direct = `http://127.0.0.1:${(behindProxy.server.address() as { port: number }).port}`;
  const browser = new TestBrowser();
  const signIn = await browser.request(`${direct}/tokens/sign-in`);
  t.regex(signIn.headers.getSetCookie().join('\n'), /tollgate\.tokens-sign-in=[\w-]+; Path=\/tokens; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure/);
  const response = await fetch(`${direct}/tokens/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...browser.jar.values()].map((cookie) => `${cookie.name}=${cookie.value}`).join('; ') },
    body: new URLSearchParams({ csrf: /name="csrf" value="([^"]+)"/.exec(signIn.html)?.[1] ?? '', username: 'demo', password: demoPassword }),
  });
  t.is(response.status, 303);
  const session = response.headers.getSetCookie().find((line) => line.startsWith('tollgate.tokens='));
  t.regex(session ?? '', /^tollgate\.tokens=[\w-]{43}; Path=\/tokens; Max-Age=43200; HttpOnly; SameSite=Lax; Secure$/);
});

test('a sign-in form posted without its token signs nobody in (login CSRF)', async (t) => {
  const browser = new TestBrowser();
  await browser.request(`${shared.server.url}/tokens/sign-in`);
  const forged = await browser.request(`${shared.server.url}/tokens/sign-in`, { form: { username: 'demo', password: demoPassword } });
  t.is(forged.status, 403);
  const stranger = new TestBrowser();
  const fromElsewhere = await stranger.request(`${shared.server.url}/tokens/sign-in`, { form: { username: 'demo', password: demoPassword, csrf: 'anything' } });
  t.is(fromElsewhere.status, 403);
  t.false([...browser.jar.values(), ...stranger.jar.values()].some((cookie) => cookie.name === 'tollgate.tokens'));
});

test('a wrong password is refused with the username kept, as on the device pages', async (t) => {
  const browser = new TestBrowser();
  const signIn = await browser.request(`${shared.server.url}/tokens/sign-in`);
  const wrong = await browser.submit(signIn, { username: 'demo', password: 'not the password' });
  t.is(wrong.status, 400);
  t.regex(wrong.text, /Wrong username or password\./);
  t.regex(wrong.html, /name="username"[^>]*value="demo"/);
});

test('a form sent after signing out changes nothing and asks to sign in again', async (t) => {
  const { browser, page } = await signedIn();
  const before = (await shared.server.tollgate.selfService.store.list(api)).length;
  const signedOut = await browser.submit(page, {}, { action: /\/tokens\/sign-out$/ });
  t.regex(signedOut.text, /You are signed out\./);
  const late = await browser.submit(page, { description: 'late', expires: inDays(5) }, { action: /\/tokens#new-token$/ });
  t.regex(late.url, /\/tokens\/sign-in\?done=post$/);
  t.regex(late.text, /nothing was changed/);
  t.is((await shared.server.tollgate.selfService.store.list(api)).length, before);
});

test('a disabled account is signed out at its next request', async (t) => {
  const { browser } = await signedIn();
  const other = await adminCall(shared.server, admin, 'POST', '/accounts', { username: 'erin', password: 'erin-password-0123456789' });
  t.is(other.status, 201);
  const erin = new TestBrowser();
  const signIn = await erin.request(`${shared.server.url}/tokens`);
  t.regex((await erin.submit(signIn, { username: 'erin', password: 'erin-password-0123456789' })).text, /You maintain no API here/);
  t.is((await adminCall(shared.server, admin, 'PATCH', `/accounts/${String(other.body.id)}`, { disabled: true })).status, 200);
  const after = await erin.request(`${shared.server.url}/tokens`);
  t.regex(after.url, /\/tokens\/sign-in\?next=%2Ftokens&done=ended$/);
  t.is((await browser.request(`${shared.server.url}/tokens`)).status, 200, 'others stay signed in');
});

test('an API an admin deletes takes its recent activity with it: created again under its identifier, its page starts with none', async (t) => {
  const doomed = 'https://doomed.example.org';
  const doomedPath = `/tokens/resources/${encodeURIComponent(doomed)}`;
  const policy = { identifier: doomed, name: 'Doomed API', scopes: ['publish'], maintainers: { accounts: [demoId] }, self_service: true };
  t.is((await adminCall(shared.server, admin, 'POST', '/resources', policy)).status, 201);
  const { browser } = await signedIn();
  const page = await browser.request(`${shared.server.url}${doomedPath}`);
  await browser.submit(page, { description: 'old pipeline', expires: inDays(30) }, { action: /\/tokens#new-token$/ });
  const before = await browser.request(`${shared.server.url}${doomedPath}`);
  t.regex(before.text, /Recent activity .* UTC : Token made , "old pipeline"/);

  t.is((await adminCall(shared.server, admin, 'DELETE', `/resources/${encodeURIComponent(doomed)}`)).status, 200);
  const stored = shared.server.tollgate.storage.collection(collectionNames.resourceActivity(doomed));
  t.deepEqual(await stored.list(), [], 'nothing of its activity is left in storage');
  t.is((await adminCall(shared.server, admin, 'POST', '/resources', policy)).status, 201);
  const after = await browser.request(`${shared.server.url}${doomedPath}`);
  t.is(after.status, 200);
  t.regex(after.text, /Recent activity Nothing yet\./);
  t.false(after.text.includes('old pipeline'));
});

test('methods a page does not take are 405 with Allow; unknown token pages are our 404 page', async (t) => {
  const { browser } = await signedIn();
  const response = await fetch(`${shared.server.url}/tokens/sign-out`);
  t.is(response.status, 405);
  t.is(response.headers.get('allow'), 'POST');
  const missing = await browser.request(`${shared.server.url}${apiPath}/tokens/tgrt_AAAAAAAAAAAA/revoke`);
  t.is(missing.status, 404);
  t.regex(missing.text, /no such token/);
  const nowhere = await browser.request(`${shared.server.url}/tokens/nowhere`);
  t.is(nowhere.status, 404);
});
