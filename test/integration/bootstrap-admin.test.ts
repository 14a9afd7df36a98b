import test from 'ava';

import { AppError } from '../../src/errors.ts';
import type { RunningServer } from '../../src/server.ts';
import { adminCall, adminToken } from '../helpers/admin-api.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { basicAuth, postForm, startTestServer } from '../helpers/start-server.ts';

let redis: TestRedis;
const bootstrapSecret = 'bootstrap-secret-for-the-first-admin-0123456789';

test.before(async () => {
  redis = await startRedis();
});

test.after.always(async () => {
  await redis?.stop();
});

async function withServer<T>(env: Record<string, string>, run: (server: RunningServer) => Promise<T>): Promise<T> {
  const server = await startTestServer({ redisUrl: redis.url, env: { TOLLGATE_DEMO: 'false', ...env } });
  try {
    return await run(server);
  } finally {
    await server.stop();
  }
}

test.serial('without a bootstrap secret nor demo mode there is no admin client at all', async (t) => {
  await withServer({ TOLLGATE_REDIS_PREFIX: 'none:' }, async (server) => {
    t.deepEqual(await server.tollgate.clients.list(), []);
  });
});

test.serial('the bootstrap secret creates tollgate-admin once; a rotated secret survives restarts', async (t) => {
  const env = { TOLLGATE_BOOTSTRAP_ADMIN_SECRET: bootstrapSecret, TOLLGATE_REDIS_PREFIX: 'boot:' };
  const rotated = await withServer(env, async (server) => {
    const token = await adminToken(server, 'tollgate-admin', bootstrapSecret);
    const listed = await adminCall(server, token, 'GET', '/clients');
    t.is(listed.status, 200);
    t.deepEqual(
      (listed.body.clients as Array<{ client_id: string }>).map((client) => client.client_id),
      ['tollgate-admin'],
    );
    return (await adminCall(server, token, 'POST', '/clients/tollgate-admin/rotate-secret', {})).body.client_secret as string;
  });

  await withServer(env, async (server) => {
    const old = await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('tollgate-admin', bootstrapSecret) });
    t.is(old.body.error, 'invalid_client', 'an admin client exists, so the bootstrap did nothing');
    t.is((await adminCall(server, await adminToken(server, 'tollgate-admin', rotated), 'GET', '/clients')).status, 200);
  });
});

test.serial('a bootstrap secret shorter than 32 characters stops start-up naming the setting', async (t) => {
  const error = await t.throwsAsync(
    withServer({ TOLLGATE_BOOTSTRAP_ADMIN_SECRET: 'short' }, async () => undefined),
    { instanceOf: AppError, code: 'invalid_config' },
  );
  t.regex(error?.message ?? '', /TOLLGATE_BOOTSTRAP_ADMIN_SECRET/);
});
