import test, { type ExecutionContext } from 'ava';
import { Redis } from 'ioredis';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';

import { adminCall, adminToken } from '../helpers/admin-api.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { dumpRedis } from '../helpers/dump-redis.ts';
import { demoPassword } from '../helpers/start-server.ts';
import { TestBrowser } from '../helpers/test-browser.ts';
import { alice, approveAndPoll, pollDevice, startUpstreamTestBed, upstreamSignIn, type UpstreamTestBed } from '../helpers/upstream-setup.ts';

// Signing people in through a real second OpenID Provider (SPEC §13): pages, linking, admission,
// and every forged or stale answer refused with a page and nothing logged in.
const log = captureLog('trace');
let bed: UpstreamTestBed;

test.before(async () => {
  bed = await startUpstreamTestBed(log);
  bed.idp.people.set('alice-sub', alice);
  bed.idp.people.set('bob-sub', { ...alice, preferred_username: 'bob', email: 'bob@elsewhere.test' });
  bed.idp.people.set('carol-sub', { ...alice, preferred_username: 'carol', email: 'carol@acme.test', groups: ['visitors'] });
  bed.idp.people.set('erin-sub', { ...alice, preferred_username: 'erin', email: 'erin@acme.test' });
  bed.idp.people.set('grace-sub', { ...alice, preferred_username: 'grace', name: 'Grace Hopper', email: 'grace@acme.test' });
  bed.idp.people.set('demo-sub', { preferred_username: 'demo', email: 'demo@acme.test', email_verified: true, groups: [] });
  bed.idp.people.set('nobody-sub', { preferred_username: 'nobody', email: 'nobody@acme.test', email_verified: true, groups: [] });
});

test.after.always(() => bed?.stop());

const callback = /\/upstream\/[a-z]+\/callback/;

async function assertNothingLoggedIn(t: ExecutionContext, login: { authorization: Parameters<typeof pollDevice>[1] }) {
  const { body } = await pollDevice(bed, login.authorization);
  t.is(body.error, 'authorization_pending', 'the device is not logged in');
}

test('the sign-in page offers one button per upstream beside the password form', async (t) => {
  const { signIn } = await upstreamSignIn(bed, 'acme', 'alice-sub', { stopAt: /./ });
  t.regex(signIn.html, /name="password"/);
  for (const name of ['Acme SSO', 'Corp Directory', 'Flaky IdP']) t.true(signIn.text.includes(`Continue with ${name}`), name);
  t.regex(signIn.headers.get('content-security-policy') ?? '', new RegExp(`form-action 'self' ${bed.idp.issuer.replace(/[.]/g, '\\.')}`));
});

test('just-in-time sign-in ends in a JWT whose sub is the tollgate account and whose max_priority comes from group and claim rules', async (t) => {
  const login = await upstreamSignIn(bed, 'acme', 'alice-sub');
  t.regex(login.after.text, /Approve this device/);
  t.regex(login.after.text, /Signed in as Alice Example \(alice\)/);
  const { status, body } = await approveAndPoll(bed, login);
  t.is(status, 200);
  const { payload } = await jwtVerify(body.access_token as string, createRemoteJWKSet(new URL(`${bed.server.url}/jwks`)), {
    issuer: bed.server.url,
    typ: 'at+jwt',
  });
  t.not(payload.sub, 'alice-sub');
  t.deepEqual(payload.max_priority, { lab: 9, qa: 5, default: 1 });

  const admin = await adminToken(bed.server);
  const account = await adminCall(bed.server, admin, 'GET', `/accounts/${payload.sub}`);
  t.is(account.body.username, 'alice');
  t.is(account.body.email, 'alice@acme.test');
  const [identity] = account.body.identities as Array<Record<string, unknown>>;
  t.like(identity, { upstream: 'acme', subject: 'alice-sub', groups: ['staff', 'lab-admins'] });
  t.false(JSON.stringify(account.body).includes('sealed'), 'the sealed upstream credential is never shown');

  const succeeded = log.lines(/^security event$/).filter((line) => line.securityEvent === 'sign_in.succeeded' && line.accountId === payload.sub);
  t.true(
    succeeded.some((line) => line.upstream === 'acme'),
    'an upstream sign-in is a sign_in.succeeded security event',
  );

  // The same person signing in again gets the same account.
  const again = await approveAndPoll(bed, await upstreamSignIn(bed, 'acme', 'alice-sub'));
  t.is(decodeJwt(again.body.access_token as string).sub, payload.sub);
});

test('a person who signed in upstream gets an ID token naming their tollgate account (profile scope), and the access token does not', async (t) => {
  const { status, body } = await approveAndPoll(bed, await upstreamSignIn(bed, 'acme', 'grace-sub', { scope: 'openid profile' }));
  t.is(status, 200);
  const access = decodeJwt(body.access_token as string);
  t.like(decodeJwt(body.id_token as string), { sub: access.sub, preferred_username: 'grace', name: 'Grace Hopper' });
  t.false('preferred_username' in access);
  t.is(access.scope, 'demo:read demo:write');
});

test('"existing" provisioning links to the account with that username and refuses people without one', async (t) => {
  const linked = await approveAndPoll(bed, await upstreamSignIn(bed, 'corp', 'demo-sub'));
  t.is(linked.status, 200);
  t.is(decodeJwt(linked.body.access_token as string).sub, 'demo');

  const refused = await upstreamSignIn(bed, 'corp', 'nobody-sub');
  t.is(refused.after.status, 403);
  t.regex(refused.after.text, /There is no tollgate account for you yet/);
  t.regex(refused.after.text, /Back to sign-in/);
  await assertNothingLoggedIn(t, refused);
  const admin = await adminToken(bed.server);
  const accounts = (await adminCall(bed.server, admin, 'GET', '/accounts')).body.accounts as Array<{ username: string }>;
  t.false(
    accounts.some((account) => account.username === 'nobody'),
    'no account was created',
  );
});

test('a person outside the allowed email domains is refused with a page', async (t) => {
  const login = await upstreamSignIn(bed, 'acme', 'bob-sub');
  t.is(login.after.status, 403);
  t.regex(login.after.text, /verified email addresses in acme\.test only/);
  await assertNothingLoggedIn(t, login);
});

test('a person in none of the required groups is refused with a page', async (t) => {
  const login = await upstreamSignIn(bed, 'acme', 'carol-sub');
  t.is(login.after.status, 403);
  t.regex(login.after.text, /members of these groups only: staff, lab-admins/);
  await assertNothingLoggedIn(t, login);
  const failed = log.lines(/^security event$/).filter((line) => line.securityEvent === 'sign_in.failed' && line.upstream === 'acme');
  t.true(failed.length > 0, 'a refused upstream sign-in is a sign_in.failed security event');
});

test('access_denied at the upstream ends on a page that offers to start again', async (t) => {
  const login = await upstreamSignIn(bed, 'acme', 'deny');
  t.is(login.after.status, 403);
  t.regex(login.after.text, /Sign-in cancelled/);
  const retry = await login.browser.request(
    new URL('/interaction/x', login.after.url).href.replace(/\/interaction\/x$/, /href="(\/interaction\/[^"]+)"/.exec(login.after.html)?.[1] ?? ''),
  );
  t.regex(retry.text, /Continue with Acme SSO/, 'start again leads back to the sign-in page');
  await assertNothingLoggedIn(t, login);
});

test('a replayed callback is refused and does not sign in twice', async (t) => {
  const login = await upstreamSignIn(bed, 'acme', 'erin-sub', { stopAt: callback });
  const confirm = await login.browser.request(login.after.url);
  t.regex(confirm.text, /Approve this device/);
  const replay = await login.browser.request(login.after.url);
  t.is(replay.status, 400);
  t.regex(replay.text, /already used once/);
  t.deepEqual(waysBack(replay), ['/device'], 'a device login starts again with a new code');
});

/** The links a problem page offers, in order. */
const waysBack = (page: { html: string }) =>
  [...page.html.matchAll(/<main[\s\S]*?<\/main>/g)].flatMap(([main]) => [...main.matchAll(/href="([^"]+)"/g)].map((match) => match[1]));

/** Presses "Continue with Acme SSO" on the token pages' sign-in, as `sub`, stopping before the callback. */
async function tokenPagesSignIn(sub: string) {
  const browser = new TestBrowser({ headers: { 'x-idp-user': sub } });
  const signIn = await browser.request(`${bed.server.url}/tokens/sign-in`);
  const after = await browser.submit(signIn, {}, { action: /\/tokens\/sign-in\/upstream/, button: 'acme', stopAt: callback });
  return { browser, callbackUrl: after.url };
}

/** The Redis keys of pending upstream logins, answered or not. */
async function pendingLoginKeys(): Promise<Set<string>> {
  const client = new Redis(bed.redis.url);
  try {
    return new Set(await client.keys('*upstream-login:*'));
  } finally {
    client.disconnect();
  }
}

test.serial("a token pages sign-in answered twice, or after its login expired, offers the token pages' sign-in again, not a new device code", async (t) => {
  const used = await tokenPagesSignIn('erin-sub');
  const signedIn = await used.browser.request(used.callbackUrl);
  t.regex(signedIn.url, /\/tokens$/);
  const replay = await used.browser.request(used.callbackUrl);
  t.is(replay.status, 400);
  t.regex(replay.text, /already used once/);
  t.deepEqual(waysBack(replay), ['/tokens/sign-in']);
  t.regex(replay.text, /Back to sign-in/);

  const before = await pendingLoginKeys();
  const late = await tokenPagesSignIn('erin-sub');
  const started = [...(await pendingLoginKeys())].filter((key) => !before.has(key));
  t.is(started.length, 1);
  // What the login's TTL running out does: its key is gone.
  const client = new Redis(bed.redis.url);
  await client.del(...started);
  client.disconnect();
  const expired = await late.browser.request(late.callbackUrl);
  t.is(expired.status, 400);
  t.regex(expired.text, /unknown or has expired/);
  t.deepEqual(waysBack(expired), ['/tokens/sign-in']);
  const again = await late.browser.request(new URL('/tokens/sign-in', bed.server.url).href);
  t.regex(again.text, /Continue with Acme SSO/, "the way back is the token pages' sign-in");
});

test('a sign-in answer that says nothing about where it was started offers both ways back', async (t) => {
  const browser = new TestBrowser();
  for (const url of [
    `${bed.server.url}/upstream/acme/callback?code=x&state=never-issued`,
    `${bed.server.url}/upstream/acme/callback`,
    `${bed.server.url}/upstream/nope/callback?state=x`,
  ]) {
    const answer = await browser.request(url);
    t.is(answer.status, 400, url);
    t.deepEqual(waysBack(answer), ['/device', '/tokens'], url);
  }
});

test("a callback carrying the state of another browser's sign-in is refused", async (t) => {
  const theirs = await upstreamSignIn(bed, 'acme', 'alice-sub', { stopAt: callback });
  const mine = await upstreamSignIn(bed, 'acme', 'alice-sub', { stopAt: callback });
  const answer = await mine.browser.request(theirs.after.url);
  t.is(answer.status, 403);
  t.regex(answer.text, /belongs to a sign-in started elsewhere/);
  await assertNothingLoggedIn(t, theirs);
  await assertNothingLoggedIn(t, mine);
});

test('a callback from a browser without the binding cookie leaves the sign-in pending for the browser that started it', async (t) => {
  const real = await upstreamSignIn(bed, 'acme', 'alice-sub', { stopAt: callback });
  const foreign = await new TestBrowser().request(real.after.url);
  t.is(foreign.status, 403);
  t.regex(foreign.text, /belongs to a sign-in started elsewhere/);
  const confirm = await real.browser.request(real.after.url);
  t.regex(confirm.text, /Approve this device/, 'the real browser still finishes its sign-in');
});

test('an authorization request whose nonce was changed is refused at the callback', async (t) => {
  const login = await upstreamSignIn(bed, 'acme', 'alice-sub', { stopAt: /\/auth\?/ });
  const authorizationUrl = new URL(login.after.url);
  authorizationUrl.searchParams.set('nonce', 'a-nonce-tollgate-never-sent');
  const answer = await login.browser.request(authorizationUrl.href);
  t.is(answer.status, 400);
  t.regex(answer.text, /failed tollgate's checks/);
  await assertNothingLoggedIn(t, login);
});

test('an RFC 9207 iss parameter naming another issuer is refused', async (t) => {
  const login = await upstreamSignIn(bed, 'acme', 'alice-sub', { stopAt: callback });
  const forged = new URL(login.after.url);
  t.is(forged.searchParams.get('iss'), bed.idp.issuer, 'the upstream sends iss');
  forged.searchParams.set('iss', 'https://evil.example');
  const answer = await login.browser.request(forged.href);
  t.is(answer.status, 400);
  t.regex(answer.text, /failed tollgate's checks/);
  await assertNothingLoggedIn(t, login);
});

for (const [title, tamper] of [
  ['an ID token from another issuer', (payload: Record<string, unknown>) => ({ payload: { ...payload, iss: 'https://evil.example' }, key: 'own' as const })],
  ['an ID token signed by another key', (payload: Record<string, unknown>) => ({ payload, key: 'foreign' as const })],
  ['an ID token with another nonce', (payload: Record<string, unknown>) => ({ payload: { ...payload, nonce: 'another-nonce' }, key: 'own' as const })],
] as const) {
  test.serial(`${title} is refused with a page`, async (t) => {
    bed.idp.tamper = tamper;
    t.teardown(() => (bed.idp.tamper = undefined));
    const login = await upstreamSignIn(bed, 'acme', 'alice-sub');
    t.is(login.after.status, 400);
    t.regex(login.after.text, /failed tollgate's checks/);
    await assertNothingLoggedIn(t, login);
  });
}

test('two first sign-ins of one person at once create one account', async (t) => {
  bed.idp.people.set('frank-sub', { ...alice, preferred_username: 'frank', email: 'frank@acme.test' });
  const [first, second] = await Promise.all([upstreamSignIn(bed, 'acme', 'frank-sub'), upstreamSignIn(bed, 'acme', 'frank-sub')]);
  const admin = await adminToken(bed.server);
  const accounts = (await adminCall(bed.server, admin, 'GET', '/accounts')).body.accounts as Array<{ username: string }>;
  t.is(accounts.filter((account) => account.username.startsWith('frank')).length, 1);
  t.true([first, second].some((login) => /Approve this device/.test(login.after.text)));
});

test.serial('callbacks with states tollgate never issued store nothing and all get the same answer', async (t) => {
  const before = await dumpRedis(bed.redis.url);
  const browser = new TestBrowser();
  const answers = new Set<string>();
  for (let round = 0; round < 2; round++) {
    for (let index = 0; index < 50; index++) {
      const answer = await browser.request(`${bed.server.url}/upstream/acme/callback?code=x&state=forged-${index}`);
      answers.add(`${answer.status} ${/<h1>([^<]*)/.exec(answer.html)?.[1]}`);
    }
  }
  t.deepEqual([...answers], ['400 Sign-in expired'], 'the same answer every time, the second round too');
  const after = await dumpRedis(bed.redis.url);
  // The per-IP callback counter is the one key 100 forged callbacks may add.
  t.true(after.keys - before.keys <= 1, `${after.keys - before.keys} keys written`);
});

test('an unknown callback and a callback without state end on pages, not errors', async (t) => {
  const browser = new TestBrowser();
  const unknown = await browser.request(`${bed.server.url}/upstream/acme/callback?code=x&state=never-issued`);
  t.is(unknown.status, 400);
  t.regex(unknown.text, /unknown or has expired/);
  t.is((await browser.request(`${bed.server.url}/upstream/acme/callback`)).status, 400);
  t.is((await browser.request(`${bed.server.url}/upstream/nope/callback?state=x`)).status, 400);
});

test.serial('an upstream that is down fails only its own button, with a page; password sign-in still works', async (t) => {
  bed.flaky.people.set('x', { preferred_username: 'x' });
  await bed.flaky.stop();
  const login = await upstreamSignIn(bed, 'flaky', 'x');
  t.is(login.after.status, 503);
  t.regex(login.after.text, /Flaky IdP cannot be reached right now/);
  const back = await login.browser.request(new URL(/href="(\/interaction\/[^"]+)"/.exec(login.after.html)?.[1] as string, login.after.url).href);
  const confirm = await login.browser.submit(back, { username: 'demo', password: demoPassword });
  t.regex(confirm.text, /Approve this device/);
  const { status } = await approveAndPoll(bed, login, confirm);
  t.is(status, 200);
});
