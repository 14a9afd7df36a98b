import test from 'ava';

import type { RunningServer } from '../../src/server.ts';
import { adminCall, adminToken } from '../helpers/admin-api.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { approveInBrowser, deviceLogin, startDeviceAuthorization } from '../helpers/device-login.ts';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.ts';
import { demoPassword, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';
import { TestBrowser } from '../helpers/test-browser.ts';

// Issue 11.10: one structured line and one count per security event; never a secret.
const log = captureLog('info');
let server: RunningServer;

test.before(async () => {
  server = await startTestServer({ logger: log.logger, env: { TOLLGATE_RATE_LIMIT_USER_CODE_PER_IP: '3', TOLLGATE_TRUST_PROXY: 'true' } });
});

test.after.always(() => server?.stop());

const events = (name: string) => log.lines(/^security event$/).filter((line) => line.securityEvent === name);
const counted = async (name: string) =>
  sampleValue(parsePrometheusText(await server.tollgate.metrics.registry.metrics()), 'tollgate_security_events_total', { event: name });

test.serial('the key set loaded at start is an event naming the key ids', async (t) => {
  const [loaded] = events('key_set.loaded');
  t.truthy(loaded);
  t.true(Array.isArray(loaded?.kids) && (loaded?.kids as unknown[]).length > 0);
  t.false(JSON.stringify(loaded).includes('"d":'), 'no private key material');
  t.is(await counted('key_set.loaded'), 1);
});

test.serial('sign-in failed and succeeded, device approved and denied: one line each with request id, client, account and IP', async (t) => {
  const browser = new TestBrowser({ headers: { 'x-forwarded-for': '198.51.100.7' } });
  const authorization = await startDeviceAuthorization(server);
  const signIn = await browser.submit(await browser.request(authorization.verification_uri), { user_code: authorization.user_code });
  await browser.submit(signIn, { username: 'demo', password: 'not the password' });
  const failed = events('sign_in.failed');
  t.is(failed.length, 1);
  t.like(failed[0], { clientId: 'demo-cli', ip: '198.51.100.7' });
  t.truthy(failed[0]?.reqId);
  t.is(failed[0]?.accountId, undefined);

  await approveInBrowser(authorization.verification_uri, (await startDeviceAuthorization(server)).user_code, { browser });
  t.like(events('sign_in.succeeded')[0], { clientId: 'demo-cli', accountId: 'demo', ip: '198.51.100.7' });
  t.like(events('device.approved')[0], { clientId: 'demo-cli', accountId: 'demo' });

  const denied = await startDeviceAuthorization(server);
  await approveInBrowser(denied.verification_uri, denied.user_code, { browser: new TestBrowser(), decision: 'deny' });
  t.like(events('device.denied')[0], { clientId: 'demo-cli', accountId: 'demo' });
  t.is(await counted('sign_in.failed'), 1);
  t.is(await counted('device.denied'), 1);
  t.false(log.text().includes('not the password'));
  t.false(log.text().includes(demoPassword));
});

test.serial('a reused refresh token is reuse detected and grant revoked, with client and account', async (t) => {
  const { tokens } = await deviceLogin(server);
  const refresh = (token: string) => postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: token, client_id: 'demo-cli' });
  const rotated = await refresh(tokens.refresh_token as string);
  t.is(rotated.status, 200);
  // The successor is used, so the first token presented again is reuse, not a retry (issue 11.1).
  t.is((await refresh(rotated.body.refresh_token as string)).status, 200);
  const reused = await refresh(tokens.refresh_token as string);
  t.is(reused.body.error, 'invalid_grant');
  t.like(events('refresh_token.reuse_detected')[0], { clientId: 'demo-cli', accountId: 'demo' });
  t.like(events('grant.revoked')[0], { clientId: 'demo-cli', accountId: 'demo', reason: 'refresh_token_reuse' });
  t.is(await counted('refresh_token.reuse_detected'), 1);
  t.false(log.text().includes(tokens.refresh_token as string));
});

test.serial('a rate limit hit is an event with the IP and the limit', async (t) => {
  const browser = new TestBrowser({ headers: { 'x-forwarded-for': '198.51.100.99' } });
  let page = await browser.request(`${server.url}/device`);
  for (let attempt = 0; attempt < 4; attempt++) page = await browser.submit(await browser.request(`${server.url}/device`), { user_code: 'BBBB-BBBB' });
  t.is(page.status, 429);
  t.like(events('rate_limit.hit')[0], { ip: '198.51.100.99', limit: 'user_code' });
});

test.serial('an admin change and a secret rotation say who changed what, never the secret', async (t) => {
  const token = await adminToken(server);
  const rotated = await adminCall(server, token, 'POST', '/clients/demo/rotate-secret', { overlap_seconds: 60 });
  t.is(rotated.status, 200);
  const change = events('admin.change').find((line) => line.action === 'client.rotate-secret');
  t.like(change, { by: server.tollgate.demo?.adminClientId, clientId: 'demo' });
  t.truthy(change?.reqId);
  t.like(events('client_secret.rotated')[0], { clientId: 'demo', overlapSeconds: 60 });
  t.false(log.text().includes(rotated.body.client_secret as string));
  t.false(log.text().includes(demoSecret));
});

// Issue 21.21: logout, refused admin calls, and one field of their own.
test.serial('a logout through the revocation endpoint is a token.revoked event with client and account, never the token', async (t) => {
  const { tokens } = await deviceLogin(server);
  const before = events('token.revoked').length;
  const unknown = await postForm(`${server.url}/token/revocation`, { token: 'not-a-token-of-this-server-0123456789', client_id: 'demo-cli' });
  t.is(unknown.status, 200);
  t.is(events('token.revoked').length, before, 'nothing revoked, no event');

  const revoked = await postForm(`${server.url}/token/revocation`, {
    token: tokens.refresh_token as string,
    token_type_hint: 'refresh_token',
    client_id: 'demo-cli',
  });
  t.is(revoked.status, 200);
  const [line] = events('token.revoked').slice(before);
  t.like(line, { clientId: 'demo-cli', accountId: 'demo', token: 'refresh_token', grant: true, level: 30 });
  t.truthy(line?.reqId);
  t.is(await counted('token.revoked'), 1);
  t.false(log.text().includes(tokens.refresh_token as string));
});

test.serial('a refused admin call is an admin.refused warning with method, path, status and reason, never the token', async (t) => {
  const bad = 'eyJhbGciOiJFUzI1NiJ9.not-a-real-token.signature';
  const none = await fetch(`${server.url}/admin/clients`);
  const invalid = await fetch(`${server.url}/admin/clients/demo`, { method: 'DELETE', headers: { authorization: `Bearer ${bad}` } });
  t.is(none.status, 401);
  t.is(invalid.status, 401);
  const refused = events('admin.refused');
  t.is(refused.length, 2);
  t.like(refused[0], { method: 'GET', path: '/admin/clients', status: 401, level: 40 });
  t.like(refused[1], { method: 'DELETE', path: '/admin/clients/demo', status: 401, reason: 'the access token is not valid for this server', level: 40 });
  t.truthy(refused[1]?.reqId);
  t.is(await counted('admin.refused'), 2);
  t.false(log.text().includes(bad));
});

test.serial('security events come from the logger named security, with the event in its own field: counting by it counts nothing else', async (t) => {
  const lines = log
    .text()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const security = lines.filter((line) => line.msg === 'security event');
  t.true(security.length > 5);
  t.true(security.every((line) => line.logger === 'security' && typeof line.securityEvent === 'string' && line.event === undefined));
  t.deepEqual(
    lines.filter((line) => line.securityEvent !== undefined),
    security,
    'only security events carry securityEvent',
  );
  t.true(
    lines.some((line) => line.msg !== 'security event'),
    'other lines were logged too',
  );
});
