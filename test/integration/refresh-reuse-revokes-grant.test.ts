import test from 'ava';

import { completeDeviceLogin } from '../helpers/complete-device-login.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { demoPassword, postForm, startTestServer } from '../helpers/start-server.ts';
import type { RunningServer } from '../../src/server.ts';

let redis: TestRedis;
let server: RunningServer;

test.before(async () => {
  redis = await startRedis();
  server = await startTestServer({ redisUrl: redis.url });
});

test.after.always(async () => {
  await server?.stop();
  await redis?.stop();
});

const refresh = (refreshToken: string) => postForm(`${server.url}/token`, { grant_type: 'refresh_token', client_id: 'demo-cli', refresh_token: refreshToken });

test('replaying a rotated refresh token revokes the grant, including the newest refresh token', async (t) => {
  const login = await completeDeviceLogin({ url: server.url, clientId: 'demo-cli', username: 'demo', password: demoPassword });
  const first = await refresh(login.refreshToken);
  const second = await refresh(first.body.refresh_token as string);
  t.is(second.status, 200);

  const replay = await refresh(login.refreshToken);
  t.is(replay.status, 400);
  t.is(replay.body.error, 'invalid_grant');

  const newest = await refresh(second.body.refresh_token as string);
  t.is(newest.status, 400);
  t.is(newest.body.error, 'invalid_grant');
});
