import test from 'ava';

import { adminCall, adminToken } from '../helpers/admin-api.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { startDeviceAuthorization } from '../helpers/device-login.ts';
import { serverPerFile } from '../helpers/server-per-file.ts';
import { basicAuth, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';
import { TestBrowser } from '../helpers/test-browser.ts';

// Issue 11.11: the smaller HTTP details.
const log = captureLog('debug');
const shared = serverPerFile(() => startTestServer({ logger: log.logger }));

test('token responses carry Pragma: no-cache besides Cache-Control: no-store (RFC 6749 §5.1)', async (t) => {
  const issued = await postForm(`${shared.server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
  t.is(issued.status, 200);
  t.is(issued.headers.get('pragma'), 'no-cache');
  t.is(issued.headers.get('cache-control'), 'no-store');
  const refused = await postForm(`${shared.server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', 'wrong-secret') });
  t.is(refused.headers.get('pragma'), 'no-cache');
});

test('an https issuer makes the session cookies Secure behind a trusted proxy that sends no X-Forwarded-Proto', async (t) => {
  const behindProxy = await startTestServer({ env: { TOLLGATE_TRUST_PROXY: 'true', TOLLGATE_ISSUER: 'https://tollgate.example.com' } });
  t.teardown(() => behindProxy.stop());
  const address = behindProxy.server.address() as { port: number };
  const response = await fetch(`http://127.0.0.1:${address.port}/device`, { headers: { accept: 'text/html' } });
  await response.text();
  t.is(response.status, 200);
  const cookies = response.headers.getSetCookie();
  t.true(cookies.length > 0);
  for (const cookie of cookies) t.regex(cookie, /;\s*secure/i, cookie.split('=')[0]);
});

test('interaction ids and what follows /device/ are redacted from request-log paths', async (t) => {
  const browser = new TestBrowser();
  const authorization = await startDeviceAuthorization(shared.server);
  const signIn = await browser.submit(await browser.request(authorization.verification_uri), { user_code: authorization.user_code });
  const uid = /\/interaction\/([^/?#]+)/.exec(signIn.url)?.[1] as string;
  t.truthy(uid);
  await fetch(`${shared.server.url}/device/${authorization.user_code}`);
  const paths = log.lines(/^request$/).map((line) => String(line.path));
  t.true(paths.includes('/interaction/[redacted]'));
  t.true(paths.includes('/device/[redacted]'));
  t.true(paths.includes('/device/auth'));
  t.false(log.text().includes(uid));
  t.false(log.text().includes(authorization.user_code));
});

test("a client's deviceCodeTtl set through the admin API is the lifetime of its device codes", async (t) => {
  const token = await adminToken(shared.server);
  const created = await adminCall(shared.server, token, 'POST', '/clients', {
    client_id: 'short-lived-cli',
    grant_types: ['device_code', 'refresh_token'],
    token_endpoint_auth_method: 'none',
    resources: ['urn:tollgate:demo'],
    default_resource: 'urn:tollgate:demo',
    device_code_ttl: 120,
  });
  t.is(created.status, 201, JSON.stringify(created.body));
  t.is(created.body.device_code_ttl, 120);
  const authorization = await startDeviceAuthorization(shared.server, { client_id: 'short-lived-cli' });
  t.is(authorization.expires_in, 120);

  const cleared = await adminCall(shared.server, token, 'PATCH', '/clients/short-lived-cli', { device_code_ttl: null });
  t.is(cleared.body.device_code_ttl, null);
  t.is((await startDeviceAuthorization(shared.server, { client_id: 'short-lived-cli' })).expires_in, 600);

  const refused = await adminCall(shared.server, token, 'PATCH', '/clients/demo', { device_code_ttl: 300 });
  t.is(refused.status, 400);
  t.is(refused.body.field, 'device_code_ttl');
});
