import test from 'ava';

import { completeDeviceLogin } from '../helpers/complete-device-login.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { demoPassword, postForm, startTestServer } from '../helpers/start-server.ts';
import type { RunningServer } from '../../src/server.ts';

let redis: TestRedis;
let server: RunningServer;

test.before(async () => {
  redis = await startRedis();
  // The sign-in session (and the interaction) lives 1 s here, instead of 15 minutes.
  server = await startTestServer({ redisUrl: redis.url, env: { TOLLGATE_INTERACTION_TTL: '1' } });
});

test.after.always(async () => {
  await server?.stop();
  await redis?.stop();
});

const refresh = (refreshToken: string) => postForm(`${server.url}/token`, { grant_type: 'refresh_token', client_id: 'demo-cli', refresh_token: refreshToken });

test('a device-login refresh token keeps rotating after the browser sign-in session has expired', async (t) => {
  const { refreshToken } = await completeDeviceLogin({ url: server.url, clientId: 'demo-cli', username: 'demo', password: demoPassword });
  await new Promise((resolve) => setTimeout(resolve, 2100));

  const first = await refresh(refreshToken);
  t.is(first.status, 200, JSON.stringify(first.body));
  t.is(typeof first.body.refresh_token, 'string');
  const second = await refresh(first.body.refresh_token as string);
  t.is(second.status, 200, JSON.stringify(second.body));
});
