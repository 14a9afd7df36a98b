import test from 'ava';
import { decodeJwt } from 'jose';

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

test.serial('each refreshed access token carries the account max_priority as it is now', async (t) => {
  const login = await completeDeviceLogin({ url: server.url, clientId: 'demo-cli', username: 'demo', password: demoPassword });
  const first = await refresh(login.refreshToken);
  t.is(first.status, 200);
  t.deepEqual(decodeJwt(first.body.access_token as string).max_priority, { default: 3 });

  const { accounts } = server.tollgate;
  const account = await accounts.get('demo');
  if (!account) return t.fail('demo account missing');
  await accounts.save({ ...account, maxPriority: { default: 1, gpu: 0 } });

  const second = await refresh(first.body.refresh_token as string);
  t.is(second.status, 200);
  t.deepEqual(decodeJwt(second.body.access_token as string).max_priority, { default: 1, gpu: 0 });
});

test.serial('a disabled account cannot refresh', async (t) => {
  const login = await completeDeviceLogin({ url: server.url, clientId: 'demo-cli', username: 'demo', password: demoPassword });
  const { accounts } = server.tollgate;
  const account = await accounts.get('demo');
  if (!account) return t.fail('demo account missing');
  await accounts.save({ ...account, disabled: true });
  try {
    const refused = await refresh(login.refreshToken);
    t.is(refused.status, 400);
    t.is(refused.body.error, 'invalid_grant');
  } finally {
    await accounts.save({ ...account, disabled: false });
  }
});
