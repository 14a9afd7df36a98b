import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import * as oauth from 'openid-client';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';

import { approveInBrowser, deviceLogin, pollToken, startDeviceAuthorization, startDeviceServer, type StoreKind } from '../helpers/device-login.ts';
import { deviceServerPerFile } from '../helpers/server-per-file.ts';
import { demoPassword } from '../helpers/start-server.ts';
import { parseForms, TestBrowser } from '../helpers/test-browser.ts';
import { createTestAccount, unique } from '../helpers/test-principals.ts';

/** RFC 8628 device login and its pages, against one store kind. */
export function deviceFlowSuite(kind: StoreKind) {
  const shared = deviceServerPerFile(kind);

  test('device login with openid-client yields an RFC 9068 JWT with the account max_priority and a refresh token', async (t) => {
    const { tokens } = await deviceLogin(shared.server);
    t.is(tokens.token_type.toLowerCase(), 'bearer');
    t.truthy(tokens.refresh_token);
    const jwks = createRemoteJWKSet(new URL(`${shared.server.url}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: shared.server.url,
      audience: 'urn:tollgate:demo',
      typ: 'at+jwt',
    });
    t.is(protectedHeader.typ, 'at+jwt');
    t.is(payload.sub, 'demo');
    t.is(payload.client_id, 'demo-cli');
    t.deepEqual(payload.max_priority, { default: 3 });
    t.is(payload.scope, 'demo:read demo:write');
    for (const claim of ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id', 'scope']) t.true(claim in payload, claim);
  });

  test('scope openid profile gives an ID token with the username and name, every API scope, and an access token without them', async (t) => {
    const account = await createTestAccount(shared.server, { default: 2 }, { username: unique('ada'), name: 'Ada Lovelace' });
    const { config, tokens } = await deviceLogin(shared.server, { username: account.username, password: account.password, scope: 'openid profile' });
    t.like(tokens.claims(), { iss: shared.server.url, aud: 'demo-cli', sub: account.id, preferred_username: account.username, name: 'Ada Lovelace' });
    t.is(tokens.scope, 'demo:read demo:write', "the access token's scope: every API scope the client holds");
    const access = decodeJwt(tokens.access_token);
    t.deepEqual(
      Object.keys(access).sort(),
      ['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'max_priority', 'scope', 'sub'],
      'RFC 9068 claims and max_priority only',
    );
    t.is(access.scope, 'demo:read demo:write');

    const refreshed = await oauth.refreshTokenGrant(config, tokens.refresh_token as string);
    t.like(refreshed.claims(), { sub: account.id, preferred_username: account.username, name: 'Ada Lovelace' });
    t.false('preferred_username' in decodeJwt(refreshed.access_token));
  });

  test('scope openid alone gives an ID token without the profile claims', async (t) => {
    const { tokens } = await deviceLogin(shared.server, { scope: 'openid' });
    const claims = tokens.claims();
    t.is(claims?.sub, 'demo');
    t.false('preferred_username' in (claims ?? {}));
    t.false('name' in (claims ?? {}));
  });

  test('the device authorization response follows RFC 8628 §3.2 and includes interval', async (t) => {
    const authorization = await startDeviceAuthorization(shared.server);
    t.regex(authorization.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    t.is(authorization.verification_uri, `${shared.server.url}/device`);
    t.is(authorization.verification_uri_complete, `${shared.server.url}/device?user_code=${authorization.user_code}`);
    t.is(authorization.interval, 1);
    t.is(authorization.expires_in, 600);
    t.truthy(authorization.device_code);
  });

  test('polling before approval is authorization_pending', async (t) => {
    const authorization = await startDeviceAuthorization(shared.server);
    const { status, body } = await pollToken(shared.server, authorization.device_code);
    t.is(status, 400);
    t.is(body.error, 'authorization_pending');
  });

  test('polling faster than the interval is slow_down, and the interval stays 5 s longer for later polls', async (t) => {
    // A 3 s interval of its own: a loaded machine can take more than 1 s between two polls.
    const paced = await startDeviceServer(shared.store.redisUrl, { TOLLGATE_DEVICE_POLL_INTERVAL: '3', TOLLGATE_REDIS_PREFIX: 'pacing:' });
    t.teardown(() => paced.stop());
    const authorization = await startDeviceAuthorization(paced);
    t.is((await pollToken(paced, authorization.device_code)).body.error, 'authorization_pending');
    const tooSoon = await pollToken(paced, authorization.device_code);
    t.is(tooSoon.status, 400);
    t.is(tooSoon.body.error, 'slow_down');
    // The interval is now 3 + 5 s: a poll 8 s later is on time ...
    await sleep(8_100);
    t.is((await pollToken(paced, authorization.device_code)).body.error, 'authorization_pending');
    // ... and 3.5 s, enough for the original interval, is still too soon.
    await sleep(3_500);
    t.is((await pollToken(paced, authorization.device_code)).body.error, 'slow_down');
  });

  test('a poll at the interval is never slow_down', async (t) => {
    const authorization = await startDeviceAuthorization(shared.server);
    for (let poll = 0; poll < 3; poll++) {
      t.is((await pollToken(shared.server, authorization.device_code)).body.error, 'authorization_pending');
      await sleep(1_050);
    }
  });

  test('denying on the confirm page gives the device access_denied', async (t) => {
    const authorization = await startDeviceAuthorization(shared.server);
    const { done } = await approveInBrowser(authorization.verification_uri, authorization.user_code, { decision: 'deny' });
    t.is(done.status, 200);
    t.regex(done.text, /Login denied/);
    const { status, body } = await pollToken(shared.server, authorization.device_code);
    t.is(status, 400);
    t.is(body.error, 'access_denied');
  });

  test('an expired device code gets expired_token, and the code page says it expired', async (t) => {
    const shortLived = await startDeviceServer(shared.store.redisUrl, { TOLLGATE_DEVICE_CODE_TTL: '1', TOLLGATE_REDIS_PREFIX: 'expiry:' });
    try {
      const authorization = await startDeviceAuthorization(shortLived);
      await sleep(2_100);
      const { status, body } = await pollToken(shortLived, authorization.device_code);
      t.is(status, 400);
      t.is(body.error, 'expired_token');
      const browser = new TestBrowser();
      const page = await browser.submit(await browser.request(authorization.verification_uri), { user_code: authorization.user_code });
      t.regex(page.text, /That code has expired/);
    } finally {
      await shortLived.stop();
    }
  });

  test('an unknown device code is invalid_grant', async (t) => {
    const { status, body } = await pollToken(shared.server, 'not-a-device-code');
    t.is(status, 400);
    t.is(body.error, 'invalid_grant');
  });

  test('the pages go code, sign in, confirm with client and device details, done', async (t) => {
    const authorization = await startDeviceAuthorization(shared.server, { client_id: 'demo-cli' }, { 'user-agent': 'tollgate-cli/0.1 (linux; x86_64)' });
    const { codePage, signIn, confirm, done } = await approveInBrowser(authorization.verification_uri, authorization.user_code);
    t.regex(codePage.text, /Connect a device/);
    t.regex(signIn?.text ?? '', /Sign in/);
    t.regex(signIn?.html ?? '', /autocomplete="username"/);
    t.regex(signIn?.html ?? '', /autocomplete="current-password"/);
    t.regex(codePage.html, /autocomplete="one-time-code"/);
    t.regex(confirm.text, /Approve this device\?/);
    t.regex(confirm.text, /Demo CLI/);
    t.regex(confirm.text, /127\.0\.0\.1/);
    t.regex(confirm.text, /tollgate-cli\/0\.1 \(linux; x86_64\)/);
    t.true(confirm.text.includes(authorization.user_code));
    t.regex(confirm.text, /Signed in as Demo User \(demo\)/);
    t.regex(done.text, /Device connected/);
    t.is((await pollToken(shared.server, authorization.device_code)).status, 200);
  });

  test('the code form keeps oidc-provider’s anti-forgery check: a post without it changes nothing', async (t) => {
    const authorization = await startDeviceAuthorization(shared.server);
    const browser = new TestBrowser();
    const codePage = await browser.request(authorization.verification_uri);
    const page = await browser.submit(codePage, { user_code: authorization.user_code, xsrf: 'forged' });
    t.is(page.status, 400);
    t.regex(page.text, /This form has expired/);
    t.is((await pollToken(shared.server, authorization.device_code)).body.error, 'authorization_pending');
  });

  test('a wrong code gets a helpful message and the form again', async (t) => {
    const browser = new TestBrowser();
    const page = await browser.submit(await browser.request(`${shared.server.url}/device`), { user_code: 'BCDF-GHJK' });
    t.regex(page.text, /That code is not valid/);
    t.is(parseForms(page.html, page.url)[0]?.fields.user_code, 'BCDF-GHJK');
  });

  test('a wrong password and an unknown username get the same message', async (t) => {
    const messages: string[] = [];
    for (const username of ['demo', 'nobody-by-this-name']) {
      const authorization = await startDeviceAuthorization(shared.server);
      const browser = new TestBrowser();
      const signIn = await browser.submit(await browser.request(authorization.verification_uri), { user_code: authorization.user_code });
      const page = await browser.submit(signIn, { username, password: 'wrong-password' });
      t.is(page.status, 400);
      messages.push(/<p class="alert"[^>]*>([^<]*)</.exec(page.html)?.[1] ?? '');
    }
    t.is(messages[0], 'Wrong username or password.');
    t.is(messages[1], messages[0]);
  });

  test('a client name containing HTML is shown escaped on every page', async (t) => {
    const evil = '<script>alert("x")</script><b>Evil & Co</b>';
    const now = new Date().toISOString();
    await shared.server.tollgate.clients.create({
      clientId: 'evil-cli',
      name: evil,
      description: 'escaping test',
      grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
      authMethod: 'none',
      secrets: [],
      scopes: ['demo:read'],
      resources: ['urn:tollgate:demo'],
      defaultResource: 'urn:tollgate:demo',
      disabled: false,
      createdAt: now,
      updatedAt: now,
    });
    const authorization = await startDeviceAuthorization(shared.server, { client_id: 'evil-cli' }, { 'user-agent': '<img src=x onerror=alert(1)>' });
    const { confirm, done } = await approveInBrowser(authorization.verification_uri, authorization.user_code);
    for (const page of [confirm, done]) {
      t.false(page.html.includes('<script>alert'), page.url);
      t.false(page.html.includes('<b>Evil'), page.url);
      t.true(page.html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;Evil &amp; Co&lt;/b&gt;'), page.url);
      t.true(page.text.includes(evil), page.url);
    }
    t.false(confirm.html.includes('<img src=x'));
    t.true(confirm.text.includes('<img src=x onerror=alert(1)>'));
  });

  test('sign-in and confirm posts without the interaction CSRF token are refused', async (t) => {
    const authorization = await startDeviceAuthorization(shared.server);
    const browser = new TestBrowser();
    const signIn = await browser.submit(await browser.request(authorization.verification_uri), { user_code: authorization.user_code });
    const forged = await browser.submit(signIn, { username: 'demo', password: demoPassword, csrf: 'forged' });
    t.is(forged.status, 403);
    t.regex(forged.text, /This form has expired/);
    const confirm = await browser.submit(signIn, { username: 'demo', password: demoPassword });
    t.regex(confirm.text, /Approve this device\?/);
    const forgedApprove = await browser.submit(confirm, { csrf: '' }, { button: 'approve' });
    t.is(forgedApprove.status, 403);
    t.is((await pollToken(shared.server, authorization.device_code)).body.error, 'authorization_pending');
  });

  test('the pages send CSP without script, no framing and no-store', async (t) => {
    const authorization = await startDeviceAuthorization(shared.server);
    const { codePage, signIn, confirm, done } = await approveInBrowser(authorization.verification_uri, authorization.user_code);
    for (const page of [codePage, signIn!, confirm, done]) {
      const csp = page.headers.get('content-security-policy') ?? '';
      t.regex(csp, /default-src 'none'/, page.url);
      t.regex(csp, /frame-ancestors 'none'/, page.url);
      t.notRegex(csp, /script-src|unsafe-inline/, page.url);
      t.is(page.headers.get('x-frame-options'), 'DENY', page.url);
      t.regex(page.headers.get('cache-control') ?? '', /no-store/, page.url);
      t.false(/<script/i.test(page.html), page.url);
    }
  });

  test('verification_uri_complete shows the code to compare instead of submitting it by script', async (t) => {
    const authorization = await startDeviceAuthorization(shared.server);
    const browser = new TestBrowser();
    const page = await browser.request(authorization.verification_uri_complete);
    t.is(page.status, 200);
    t.false(/<script/i.test(page.html));
    t.regex(page.text, /Check that this code matches/);
    const confirm = await browser.submit(await browser.submit(page), { username: 'demo', password: demoPassword });
    t.regex(confirm.text, /Approve this device\?/);
  });

  test('a second device in the same browser session is confirmed again', async (t) => {
    const browser = new TestBrowser();
    const first = await startDeviceAuthorization(shared.server);
    await approveInBrowser(first.verification_uri, first.user_code, { browser });
    const second = await startDeviceAuthorization(shared.server);
    const afterCode = await browser.submit(await browser.request(second.verification_uri), { user_code: second.user_code });
    t.regex(afterCode.text, /Approve this device\?/);
    t.is((await pollToken(shared.server, second.device_code)).body.error, 'authorization_pending');
  });
}
