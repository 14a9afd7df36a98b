import test from 'ava';

import type { RunningServer } from '../../src/server.ts';
import { startDeviceAuthorization, startDeviceServer } from '../helpers/device-login.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { demoPassword } from '../helpers/start-server.ts';
import { TestBrowser } from '../helpers/test-browser.ts';

let redis: TestRedis;
let server: RunningServer;

test.before(async () => {
  redis = await startRedis();
  server = await startDeviceServer(redis.url, { TOLLGATE_REDIS_TIMEOUT_MS: '500' });
});

test.after.always(async () => {
  await server?.stop();
  await redis?.stop();
});

test('with Redis down the sign-in pages answer a 503 page, not an error dump, and the code page works again once it is back', async (t) => {
  const authorization = await startDeviceAuthorization(server);
  const browser = new TestBrowser();
  const signIn = await browser.submit(await browser.request(authorization.verification_uri), { user_code: authorization.user_code });
  t.regex(signIn.text, /Sign in/);

  await redis.kill();
  const down = await browser.submit(signIn, { username: 'demo', password: demoPassword });
  t.is(down.status, 503);
  t.regex(down.headers.get('content-type') ?? '', /text\/html/);
  t.regex(down.text, /temporarily unavailable/);
  t.notRegex(down.html, /at .*\.ts:\d+|ECONNREFUSED|Error:/);

  await redis.start();
  let page = await browser.request(`${server.url}/device`);
  for (let tries = 0; page.status !== 200 && tries < 20; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    page = await browser.request(`${server.url}/device`);
  }
  t.is(page.status, 200);
  t.regex(page.text, /Connect a device/);
});
