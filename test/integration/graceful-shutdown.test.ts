import { request, Agent } from 'node:http';
import test from 'ava';

import { freePort } from '../helpers/free-port.ts';
import { freshConnectionRequest, slowRequest, spawnTollgate } from '../helpers/spawn-tollgate.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { basicAuth, demoSecret } from '../helpers/start-server.ts';

let redis: TestRedis;

test.before(async () => {
  redis = await startRedis();
});

test.after.always(async () => {
  await redis?.stop();
});

async function start() {
  const port = await freePort();
  const tollgate = spawnTollgate({ PORT: String(port), REDIS_URL: redis.url, TOLLGATE_DEMO: 'true', TOLLGATE_DEMO_SECRET: demoSecret });
  await tollgate.waitForLog((line) => line.msg === 'tollgate listening');
  return { port, tollgate };
}

const tokenHeaders = { authorization: basicAuth('demo', demoSecret), 'content-type': 'application/x-www-form-urlencoded' };

test('SIGTERM finishes the request in flight, refuses new connections, closes storage and exits 0', async (t) => {
  const { port, tollgate } = await start();
  t.teardown(() => tollgate.child.kill('SIGKILL'));

  const inFlight = await slowRequest(`http://127.0.0.1:${port}/token`, tokenHeaders, 'grant_type=client_credentials');
  tollgate.child.kill('SIGTERM');
  await tollgate.waitForLog((line) => line.msg === 'shutting down: finishing in-flight requests');

  // Refused once the listener is closed; a connection that slipped in just before it closed is
  // reset instead. Either way no new request is served.
  const refused = await t.throwsAsync<NodeJS.ErrnoException>(freshConnectionRequest(`http://127.0.0.1:${port}/healthz`));
  t.true(['ECONNREFUSED', 'ECONNRESET'].includes(refused?.code ?? ''), `got ${refused?.code}`);
  t.is(tollgate.child.exitCode, null, 'still running while a request is in flight');

  const answer = await inFlight.finish();
  t.is(answer.status, 200);
  t.is(typeof answer.body.access_token, 'string');
  t.is(await tollgate.exited, 0);
  t.truthy(tollgate.logs.find((line) => line.msg === 'stopped' && line.code === 0));
});

test('an idle keep-alive connection does not hold up the exit', async (t) => {
  const { port, tollgate } = await start();
  t.teardown(() => tollgate.child.kill('SIGKILL'));
  const agent = new Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  const status = await new Promise<number>((resolve, reject) => {
    request(`http://127.0.0.1:${port}/healthz`, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
  t.is(status, 200);

  const signalled = Date.now();
  tollgate.child.kill('SIGTERM');
  t.is(await tollgate.exited, 0);
  t.true(Date.now() - signalled < 3000, `exited after ${Date.now() - signalled} ms, not after the 10 s grace period`);
});
