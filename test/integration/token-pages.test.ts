import test from 'ava';

import { collectionNames } from '../../src/storage/storage-names.ts';
import { adminCall, adminToken } from '../helpers/admin-api.ts';
import { serverPerFile, startedPerFile } from '../helpers/server-per-file.ts';
import { demoPassword, postForm, startTestServer } from '../helpers/start-server.ts';
import { TestBrowser, type Page } from '../helpers/test-browser.ts';
import { startTestIssuer } from '../helpers/test-issuer.ts';

// The maintainers' token pages with a browser that runs no script at all (test-browser.ts):
// everything works with forms and links alone. The Chromium journey is in
// test/e2e/token-pages-browser.test.ts.
const ci = startedPerFile('the CI issuer', startTestIssuer, (issuer) => issuer.stop());
const shared = serverPerFile(() =>
  startTestServer({ env: { TOLLGATE_CLIENT_CACHE_MS: '0' }, overrides: { federation: { trustedIssuers: [{ issuer: ci.value.issuer }] } } }),
);
const api = 'https://plugins.example.org';
const apiPath = `/tokens/resources/${encodeURIComponent(api)}`;
const closed = 'https://closed.example.org';
let admin: string;
let demoId: string;

test.before(async () => {
  admin = await adminToken(shared.server);
  demoId = ((await shared.server.tollgate.accounts.findByUsername('demo')) as { id: string }).id;
  for (const [identifier, name, issuers] of [
    [api, 'Plugins API', [ci.value.issuer]],
    [closed, 'Closed API', []],
  ] as const) {
    const created = await adminCall(shared.server, admin, 'POST', '/resources', {
      identifier,
      name,
      scopes: ['publish'],
      maintainers: { accounts: [demoId] },
      self_service: true,
      trusted_publisher_issuers: issuers,
    });
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  }
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
  for (const shown of [
    page,
    await browser.request(`${shared.server.url}/tokens`),
    await browser.request(`${shared.server.url}/tokens/sign-in`),
    await browser.request(`${shared.server.url}/tokens/nowhere`),
  ]) {
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
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: [...browser.jar.values()].map((cookie) => `${cookie.name}=${cookie.value}`).join('; '),
    },
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
  const signedOut = await browser.submit(page, {}, { action: /\/tokens\/sign-out$/ });
  t.regex(signedOut.text, /You are signed out\./);
  const late = await browser.submit(page, { description: 'late', expires: inDays(5) }, { action: /\/tokens#new-token$/ });
  t.regex(late.url, /\/tokens\/sign-in\?done=post$/);
  t.regex(late.text, /nothing was changed/);
  // Other tests of the file make tokens for the API at the same time: this one's is looked for by name.
  t.false((await shared.server.tollgate.selfService.store.list(api)).some((token) => token.description === 'late'));
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

const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const publisherForm = /\/publishers#new-publisher$/;

test('without any script: add a GitHub Actions trusted publisher, get its workflow snippet, and remove it after a confirmation', async (t) => {
  const { browser, page } = await signedIn();
  const added = await browser.submit(
    page,
    { description: 'release workflow', repository: 'qgis/plugin-x', repository_id: '812345678', repository_owner_id: '483444', ref: 'refs/heads/main' },
    { action: publisherForm },
  );
  const id = /\/publishers\/(tgtp_[0-9A-Za-z]{12})\?added$/.exec(added.url)?.[1] as string;
  t.truthy(id, added.url);
  t.regex(added.text, /Trusted publisher added/);
  t.regex(added.text, /id-token: write/);
  t.true(added.text.includes(`audience=${encodeURIComponent(shared.server.url)}`), 'the job asks for a token with tollgate as its audience');
  t.true(added.text.includes(`client_id=${id}`));
  t.regex(added.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  t.notRegex(added.headers.get('content-security-policy') ?? '', /script-src/);

  const ciToken = (claims: Record<string, string> = {}) => ci.value.githubActionsToken('qgis/plugin-x', 'refs/heads/main', shared.server.url, claims);
  t.is((await postForm(`${shared.server.url}/token`, { grant_type: jwtBearer, client_id: id, assertion: await ciToken() })).status, 200);
  const listed = await browser.request(`${shared.server.url}${apiPath}`);
  t.regex(
    listed.text,
    new RegExp(
      `release workflow Publisher id \\(client_id\\) ${id} GitHub Actions repository qgis/plugin-x repository id 812345678, owner id 483444 Git ref refs/heads/main`,
    ),
  );
  t.regex(listed.text, /Created by Demo User Created/);
  t.regex(listed.text, /Trusted publisher added , "release workflow" \(tgtp_\w+\), by Demo User \(demo\)/);

  const forged = await browser.request(`${shared.server.url}${apiPath}/publishers/${id}/remove`, { form: { csrf: 'x' } });
  t.is(forged.status, 403);
  const confirm = await browser.request(`${shared.server.url}${apiPath}/publishers/${id}/remove`);
  t.regex(confirm.text, /Remove this trusted publisher\? .* repository id 812345678/);
  const removed = await browser.submit(confirm, {}, { action: /\/remove$/ });
  t.regex(removed.url, new RegExp(`\\?removed=${id}#trusted-publishers$`));
  t.regex(removed.text, new RegExp(`Trusted publisher ${id} is removed`));
  t.regex(removed.text, /Trusted publisher removed , "?.*\(tgtp_\w+\), by Demo User/);
  const refused = await postForm(`${shared.server.url}/token`, { grant_type: jwtBearer, client_id: id, assertion: await ciToken() });
  t.is(refused.body.error, 'invalid_client');
  t.is((await browser.request(`${shared.server.url}${apiPath}/publishers/${id}`)).status, 404);
});

test('without any script: a Kubernetes service account is added with its uid, and its snippet mounts a projected token for tollgate', async (t) => {
  const { browser, page } = await signedIn();
  const uid = crypto.randomUUID();
  const added = await browser.submit(
    page,
    { description: 'nightly sync', kind: 'kubernetes', namespace: 'ci', service_account: 'publisher', uid },
    { action: publisherForm },
  );
  t.regex(added.text, /Kubernetes service account ci\/publisher uid [0-9a-f-]{36}/);
  t.true(/serviceAccountToken:\s+path: token\s+audience: (\S+)/.exec(added.html)?.[1] === shared.server.url, 'the projected token is for tollgate');
  t.regex(added.html, /--data-urlencode assertion@\/var\/run\/secrets\/tollgate\/token/);
  const id = /(tgtp_[0-9A-Za-z]{12})/.exec(added.url)?.[1] as string;
  const podToken = await ci.value.kubernetesToken('ci', 'publisher', shared.server.url, {
    'kubernetes.io': { namespace: 'ci', serviceaccount: { name: 'publisher', uid } },
  });
  t.is((await postForm(`${shared.server.url}/token`, { grant_type: jwtBearer, client_id: id, assertion: podToken })).status, 200);
});

test('a binding by names alone, or an account without its uid, is refused on the form beside the missing field, what was typed kept', async (t) => {
  const { browser, page } = await signedIn();
  const nameOnly = await browser.submit(page, { description: 'by name', repository: 'qgis/plugin-x' }, { action: publisherForm });
  t.is(nameOnly.status, 400);
  t.regex(nameOnly.text, /The trusted publisher was not added/);
  t.regex(nameOnly.html, /id="publisher-repository-id"[^>]*aria-describedby="publisher-repository-id-hint publisher-repository-id-error" aria-invalid="true"/);
  t.regex(nameOnly.html, /<p class="field-error" id="publisher-repository-id-error">Required: GitHub&#39;s immutable repository id .*taken again/);
  t.regex(nameOnly.html, /id="publisher-repository"[^>]*value="qgis\/plugin-x"/);
  t.regex(nameOnly.html, /id="publisher-description"[^>]*value="by name"/);

  const noUid = await browser.submit(
    nameOnly,
    { description: 'no uid', kind: 'kubernetes', namespace: 'ci', service_account: 'publisher' },
    { action: publisherForm },
  );
  t.is(noUid.status, 400);
  t.regex(noUid.html, /id="publisher-uid-error">Required: the service account&#39;s uid/);
  t.regex(noUid.html, /id="publisher-kind-kubernetes" type="radio" name="kind" value="kubernetes" checked/);
  t.regex(noUid.html, /id="publisher-namespace"[^>]*value="ci"/);

  const unlisted = await browser.submit(
    noUid,
    { description: 'elsewhere', kind: 'github_actions', issuer: 'https://gitlab.example.org', repository_id: '1', repository_owner_id: '2' },
    { action: publisherForm },
  );
  t.is(unlisted.status, 400);
  t.regex(unlisted.html, /id="publisher-issuer-error">.*allows trusted publishers only from/);
  const added = (await shared.server.tollgate.selfService.publisherStore.list(api)).map((publisher) => publisher.description);
  t.false(
    ['by name', 'no uid', 'elsewhere'].some((description) => added.includes(description)),
    'nothing was added',
  );

  const closedPage = await browser.request(`${shared.server.url}/tokens/resources/${encodeURIComponent(closed)}`);
  t.regex(closedPage.text, /This API accepts no trusted publishers/);
  t.false(closedPage.html.includes('/publishers#new-publisher'), 'no form to add one');
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
