import test from 'ava';

import { captureLog } from '../helpers/capture-log.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { basicAuth, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';
import type { RunningServer } from '../../src/server.ts';

// The outage must be seen by storage, not hidden by the per-process client and resource
// caches (2 s by default): TOLLGATE_CLIENT_CACHE_MS=0 makes every token request read Redis.
// The Redis keeps its data across SIGKILL (append-only file, fsync always) and requires a
// password, so the test can also show that the password never reaches the log.
const password = 'outage-test-redis-password-7f3a';
const log = captureLog();
let redis: TestRedis;
let server: RunningServer;

test.before(async () => {
  redis = await startRedis({ persist: true, password });
  server = await startTestServer({
    redisUrl: redis.url,
    env: { TOLLGATE_CLIENT_CACHE_MS: '0', TOLLGATE_REDIS_TIMEOUT_MS: '500' },
    logger: log.logger,
  });
});

test.after.always(async () => {
  await server?.stop();
  await redis?.stop();
});

const requestToken = () => postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
const get = async (path: string) => {
  const response = await fetch(`${server.url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

async function pollUntil200(deadlineMs: number) {
  const started = Date.now();
  for (;;) {
    const { status } = await requestToken();
    if (status === 200) return Date.now() - started;
    if (Date.now() - started > deadlineMs) throw new Error(`no 200 within ${deadlineMs} ms (last status ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test.serial('Redis killed: 503 temporarily_unavailable at once, readyz 503, healthz 200; back to 200 by itself when Redis returns', async (t) => {
  t.is((await requestToken()).status, 200);
  t.is((await get('/readyz')).status, 200);

  await redis.kill();

  const started = Date.now();
  const refused = await requestToken();
  const elapsed = Date.now() - started;
  t.is(refused.status, 503);
  t.is(refused.body.error, 'temporarily_unavailable');
  t.is(typeof refused.body.error_description, 'string');
  t.deepEqual(Object.keys(refused.body).sort(), ['error', 'error_description']);
  t.true(elapsed < 1000, `503 took ${elapsed} ms`);

  const ready = await get('/readyz');
  t.is(ready.status, 503);
  t.is(ready.body.status, 'unavailable');
  t.is((await get('/healthz')).status, 200);
  t.true(server.server.listening, 'the process keeps serving');

  await redis.start();
  const recoveredIn = await pollUntil200(15_000);
  t.log(`token requests back to 200 ${recoveredIn} ms after Redis answered again`);
  t.is((await get('/readyz')).status, 200);
  // The demo client was not re-created: it came back from Redis's append-only file.
  t.is((await requestToken()).status, 200);
});

test.serial('a frozen Redis gives 503 within the command timeout, not a hang', async (t) => {
  redis.pause();
  try {
    const started = Date.now();
    const refused = await requestToken();
    const elapsed = Date.now() - started;
    t.is(refused.status, 503);
    t.is(refused.body.error, 'temporarily_unavailable');
    // TOLLGATE_REDIS_TIMEOUT_MS is 500 here; one lookup may time out before the 503.
    t.true(elapsed < 3000, `503 took ${elapsed} ms`);
  } finally {
    redis.resume();
  }
  await pollUntil200(15_000);
  t.pass();
});

test.serial('the connection state is logged once per change, without the Redis password', (t) => {
  t.is(log.lines(/^lost the connection to Redis/).length, 1);
  t.is(log.lines(/^connection to Redis restored/).length, 1);
  t.false(log.text().includes(password));
  t.false(log.text().includes(demoSecret));
});
