import test from 'ava';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';

import { freePort } from '../helpers/free-port.ts';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.ts';
import { freshConnectionRequest, slowRequest, spawnTollgate, type SpawnedTollgate } from '../helpers/spawn-tollgate.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { basicAuth, demoSecret } from '../helpers/start-server.ts';

let redis: TestRedis;
let tollgate: SpawnedTollgate;
let base: string;
let metricsUrl: string;

test.before(async () => {
  redis = await startRedis();
  const [port, metricsPort] = await Promise.all([freePort(), freePort()]);
  base = `http://127.0.0.1:${port}`;
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  tollgate = spawnTollgate({
    PORT: String(port),
    TOLLGATE_WORKERS: '2',
    TOLLGATE_METRICS_PORT: String(metricsPort),
    REDIS_URL: redis.url,
    TOLLGATE_DEMO: 'true',
    TOLLGATE_DEMO_SECRET: demoSecret,
    // Request lines (debug) carry each worker's pid and the request id we send.
    TOLLGATE_LOG_LEVEL: 'debug',
  });
  await tollgate.waitForLog((line) => line.msg === 'tollgate listening' && line.workers === 2, 90_000);
});

test.after.always(async () => {
  tollgate?.child.kill('SIGKILL');
  await redis?.stop();
});

let requestCounter = 0;

/** Token requests over fresh connections; returns each token with the pid of the worker that served it. */
async function issueTokens(count: number): Promise<{ token: string; pid: number }[]> {
  const ids = Array.from({ length: count }, () => `mp-${++requestCounter}`);
  const tokens = [];
  for (const id of ids) {
    const answer = await freshConnectionRequest(`${base}/token`, {
      method: 'POST',
      headers: { authorization: basicAuth('demo', demoSecret), 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': id },
      body: 'grant_type=client_credentials',
    });
    if (answer.status !== 200) throw new Error(`token request answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    const served = await tollgate.waitForLog((line) => line.msg === 'request' && line.reqId === id);
    tokens.push({ token: answer.body.access_token as string, pid: served.pid as number });
  }
  return tokens;
}

async function jwks(): Promise<JSONWebKeySet> {
  return (await freshConnectionRequest(`${base}/jwks`)).body as unknown as JSONWebKeySet;
}

function workerPids(): number[] {
  const ready = tollgate.logs.filter((line) => line.msg === 'worker ready').map((line) => line.workerPid as number);
  const exited = new Set(tollgate.logs.filter((line) => line.msg === 'worker exited unexpectedly; restarting').map((line) => line.workerPid as number));
  return ready.filter((pid) => !exited.has(pid));
}

test.serial('both workers issue tokens that verify against the one JWKS every worker publishes', async (t) => {
  const tokens = await issueTokens(12);
  const servedBy = new Set(tokens.map(({ pid }) => pid));
  t.deepEqual([...servedBy].toSorted(), workerPids().toSorted(), 'connections are spread over both workers');

  const sets = await Promise.all(Array.from({ length: 6 }, jwks));
  for (const set of sets) t.deepEqual(set, sets[0]);
  const keys = createLocalJWKSet(sets[0] as JSONWebKeySet);
  for (const { token } of tokens) {
    const { payload } = await jwtVerify(token, keys, { audience: 'urn:tollgate:demo', typ: 'at+jwt' });
    t.is(payload.client_id, 'demo');
  }
});

test.serial('the primary serves metrics summed over the workers', async (t) => {
  const before = sampleValue(parsePrometheusText(await (await fetch(metricsUrl)).text()), 'tollgate_tokens_issued_total', { client_id: 'demo' });
  await issueTokens(4);
  const samples = parsePrometheusText(await (await fetch(metricsUrl)).text());
  t.is(sampleValue(samples, 'tollgate_tokens_issued_total', { client_id: 'demo' }), before + 4);
  t.is((await freshConnectionRequest(`${base}/metrics`)).status, 404, 'workers do not serve their own share on the main port');
});

test.serial('a worker that dies is replaced, and the new one signs with the same keys', async (t) => {
  const keysBefore = await jwks();
  const [victim, survivor] = workerPids();
  process.kill(victim as number, 'SIGKILL');
  await tollgate.waitForLog((line) => line.msg === 'worker exited unexpectedly; restarting' && line.workerPid === victim);
  const replacement = await tollgate.waitForLog((line) => line.msg === 'worker ready' && line.workerPid !== victim && line.workerPid !== survivor);
  t.deepEqual(workerPids().toSorted(), [survivor, replacement.workerPid].toSorted());

  const tokens = await issueTokens(8);
  t.true(
    tokens.some(({ pid }) => pid === replacement.workerPid),
    'the replacement serves requests',
  );
  const keys = createLocalJWKSet(keysBefore);
  for (const { token } of tokens) await t.notThrowsAsync(jwtVerify(token, keys, { audience: 'urn:tollgate:demo' }));
});

test.serial('SIGTERM to the primary lets in-flight requests finish and stops every worker with exit 0', async (t) => {
  const pids = workerPids();
  const inFlight = await slowRequest(
    `${base}/token`,
    { authorization: basicAuth('demo', demoSecret), 'content-type': 'application/x-www-form-urlencoded' },
    'grant_type=client_credentials',
  );
  tollgate.child.kill('SIGTERM');
  await tollgate.waitForLog((line) => line.msg === 'shutting down: finishing in-flight requests' && line.pid === tollgate.child.pid);
  const answer = await inFlight.finish();
  t.is(answer.status, 200);
  t.is(await tollgate.exited, 0);
  for (const pid of pids)
    t.truthy(
      tollgate.logs.find((line) => line.pid === pid && line.msg === 'stopped' && line.code === 0),
      `worker ${pid} stopped cleanly`,
    );
  for (const pid of pids) t.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
});

test('a worker that cannot start stops the primary with the worker exit code', async (t) => {
  const failing = spawnTollgate({ PORT: String(await freePort()), TOLLGATE_WORKERS: '2', REDIS_URL: redis.url, TOLLGATE_JWKS_FILE: '/nonexistent/jwks.json' });
  t.teardown(() => failing.child.kill('SIGKILL'));
  t.is(await failing.exited, 2);
  t.regex(failing.output(), /TOLLGATE_JWKS_FILE.*cannot read/);
  t.truthy(failing.logs.find((line) => line.msg === 'worker failed to start; stopping'));
  t.is(failing.logs.filter((line) => line.msg === 'worker ready').length, 0);
});
