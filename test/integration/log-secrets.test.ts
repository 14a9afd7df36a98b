import test from 'ava';

import type { RunningServer } from '../../src/server.ts';
import { adminCall, adminToken } from '../helpers/admin-api.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { approveInBrowser, pollToken, relaxedLimits, startDeviceAuthorization } from '../helpers/device-login.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { basicAuth, demoPassword, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';

// Never a secret, password or token in a log line: every credential one run of the main flows
// handles, right and wrong, is looked for in everything logged at the most verbose level.
const log = captureLog('trace');
let redis: TestRedis;
let server: RunningServer;

test.before(async () => {
  redis = await startRedis();
  server = await startTestServer({ redisUrl: redis.url, env: { TOLLGATE_DEVICE_POLL_INTERVAL: '1', ...relaxedLimits }, logger: log.logger });
});

test.after.always(async () => {
  await server?.stop();
  await redis?.stop();
});

test('no secret, password, code or token of the main flows appears in the log', async (t) => {
  const token = (form: Record<string, string>, headers: Record<string, string> = {}) => postForm(`${server.url}/token`, form, headers);
  const service = await token({ grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
  t.is(service.status, 200);
  const wrongSecret = 'a-wrong-client-secret-0123456789';
  t.is((await token({ grant_type: 'client_credentials' }, { authorization: basicAuth('demo', wrongSecret) })).body.error, 'invalid_client');

  const wrongPassword = 'a-wrong-password-0123456789';
  const abandoned = await startDeviceAuthorization(server);
  // A wrong password leaves the browser on the sign-in page, so there is no confirm button.
  await t.throwsAsync(approveInBrowser(abandoned.verification_uri, abandoned.user_code, { password: wrongPassword }), { message: /no button approve/ });

  const authorization = await startDeviceAuthorization(server);
  t.is((await pollToken(server, authorization.device_code)).body.error, 'authorization_pending');
  await approveInBrowser(authorization.verification_uri, authorization.user_code);
  const device = await pollToken(server, authorization.device_code);
  t.is(device.status, 200);
  const refreshToken = device.body.refresh_token as string;
  const rotated = await token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'demo-cli' });
  t.is(rotated.status, 200);
  t.is(
    (await token({ grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token as string, client_id: 'demo-cli' })).status,
    200,
    'the successor is used',
  );
  t.is((await token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'demo-cli' })).body.error, 'invalid_grant', 'reuse is detected');

  const admin = await adminToken(server);
  const created = await adminCall(server, admin, 'POST', '/clients', {
    name: 'Log check',
    grant_types: ['client_credentials'],
    resources: ['urn:tollgate:demo'],
    scopes: ['demo:read'],
  });
  t.is(created.status, 201);
  const newPassword = 'a-new-demo-password-0123456789';
  t.is((await adminCall(server, admin, 'PUT', '/accounts/demo/password', { password: newPassword })).status, 200);
  t.is((await adminCall(server, 'not.a.valid-admin-token', 'GET', '/clients')).status, 401);

  const logged = log.text();
  t.true(logged.includes('"action":"client.create"') && logged.includes('"securityEvent":"admin.change"'), 'the log holds the run');
  const forbidden = {
    demoSecret,
    // Basic credentials carry the secret base64-encoded.
    demoBasic: basicAuth('demo', demoSecret).slice('Basic '.length),
    wrongBasic: basicAuth('demo', wrongSecret).slice('Basic '.length),
    demoPassword,
    wrongSecret,
    wrongPassword,
    newPassword,
    serviceToken: service.body.access_token as string,
    deviceCode: authorization.device_code,
    userCode: authorization.user_code,
    abandonedDeviceCode: abandoned.device_code,
    accessToken: device.body.access_token as string,
    refreshToken,
    rotatedRefreshToken: rotated.body.refresh_token as string,
    adminToken: admin,
    createdSecret: created.body.client_secret as string,
  };
  for (const [name, value] of Object.entries(forbidden)) {
    t.true(typeof value === 'string' && value.length >= 8, name);
    t.false(logged.includes(value), `${name} is in the log`);
  }
});
