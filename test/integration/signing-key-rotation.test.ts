import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { decodeProtectedHeader } from 'jose';
import { Redis } from 'ioredis';

import { createTokenVerifier } from '../../packages/client/src/token-verifier.ts';
import { demoResource } from '../../src/demo/demo-principals.ts';
import { createCacheHonouringVerifier } from '../helpers/cache-honouring-verifier.ts';
import { freePort } from '../helpers/free-port.ts';
import { killAll, spawnOnRedis, type SpawnedTollgate } from '../helpers/spawn-tollgate.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { basicAuth, demoSecret, demoToken, postForm } from '../helpers/start-server.ts';

// SPEC §16, issue 20: two tollgate processes on one Redis, the schedule compressed to seconds
// (a key signs 6 s, its successor is published 3 s ahead, /jwks may be cached 2 s, tokens live 4 s).
const kek = randomBytes(32).toString('base64');
const adminSecret = `admin-${randomBytes(24).toString('base64url')}`;
let redis: TestRedis;
const started: SpawnedTollgate[] = [];

interface Instance {
  url: string;
  process: SpawnedTollgate;
}

test.before(async () => {
  redis = await startRedis();
});

test.after.always(async () => {
  await killAll(started);
  await redis?.stop();
});

async function startInstance(prefix: string, env: Record<string, string> = {}, issuerPort?: number): Promise<Instance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const spawned = spawnOnRedis(port, redis.url, prefix, {
    TOLLGATE_ISSUER: `http://127.0.0.1:${issuerPort ?? port}`,
    TOLLGATE_DEMO: 'true',
    TOLLGATE_DEMO_SECRET: demoSecret,
    TOLLGATE_BOOTSTRAP_ADMIN_SECRET: adminSecret,
    TOLLGATE_COOKIE_KEYS: 'signing-key-rotation-cookie-key-0123456789',
    TOLLGATE_KEY_SOURCE: 'store',
    TOLLGATE_KEY_ENCRYPTION_KEY: kek,
    TOLLGATE_KEY_ROTATION_PERIOD: '6',
    TOLLGATE_KEY_PUBLISH_AHEAD: '3',
    TOLLGATE_JWKS_MAX_AGE: '2',
    TOLLGATE_KEY_CHECK_INTERVAL_MS: '500',
    TOLLGATE_KEY_LOCK_TTL_MS: '2000',
    TOLLGATE_ACCESS_TOKEN_TTL: '4',
    TOLLGATE_KEY_CLOCK_SKEW: '1',
    ...env,
  });
  started.push(spawned);
  await spawned.waitForLog((line) => line.msg === 'tollgate listening', 60_000);
  return { url, process: spawned };
}

const token = (instance: Instance) => demoToken(instance.url);

const kidOf = (jwt: string) => decodeProtectedHeader(jwt).kid as string;

async function adminPost(instance: Instance, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const auth = await postForm(
    `${instance.url}/token`,
    { grant_type: 'client_credentials', resource: 'urn:tollgate:admin', scope: 'admin' },
    { authorization: basicAuth('tollgate-admin', adminSecret) },
  );
  if (auth.status !== 200) throw new Error(`admin token: ${JSON.stringify(auth.body)}`);
  const response = await fetch(`${instance.url}/admin${path}`, { method: 'POST', headers: { authorization: `Bearer ${auth.body.access_token as string}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function jwksKids(instance: Instance): Promise<string[]> {
  const response = await fetch(`${instance.url}/jwks`);
  const body = (await response.json()) as { keys: Array<{ kid: string; d?: string }> };
  return body.keys.map((key) => key.kid);
}

let pair: [Instance, Instance] | undefined;

test.serial('two processes on one Redis sign through three rotations under load and both verifiers verify every token', async (t) => {
  t.timeout(120_000);
  const a = await startInstance('rot:');
  const b = await startInstance('rot:', {}, Number(new URL(a.url).port));
  pair = [a, b];
  const instances = [a, b];
  const cached = createCacheHonouringVerifier(instances.map((instance) => `${instance.url}/jwks`));
  // The helper's JWKS timings scaled like the schedule: its defaults (a 30 s refetch cooldown,
  // 10 min cache) against a 24 h lead time are these against a 3 s one.
  const helper = createTokenVerifier({ issuer: a.url, audience: demoResource, jwksCooldownMs: 1000, jwksCacheMaxAgeMs: 2000 });

  const seen: Array<{ from: number; kid: string; at: number }> = [];
  const failures: string[] = [];
  const kids = () => new Set(seen.map((entry) => entry.kid));
  const deadline = Date.now() + 60_000;
  await Promise.all(
    instances.map(async (instance, from) => {
      while (kids().size < 4 && Date.now() < deadline && failures.length < 20) {
        let jwt: string;
        try {
          jwt = await token(instance);
        } catch (error) {
          failures.push(`issue: ${(error as Error).message}`);
          continue;
        }
        const at = Date.now();
        seen.push({ from, kid: kidOf(jwt), at });
        await cached.verify(jwt).catch((error: Error) => failures.push(`cache-honouring verifier: ${error.message}`));
        await helper.verify(jwt).catch((error: Error) => failures.push(`verifier helper: ${error.message}`));
      }
    }),
  );

  const order = [...kids()];
  t.true(order.length >= 4, `kids seen: ${order.join(', ')}`);
  t.deepEqual(failures, [], 'no token failed to issue or verify');
  // Switch-over: for each new key, how far apart the two processes began to sign with it, and
  // how long one still signed with the old key after the other had switched.
  const switches = order.slice(1).map((kid, index) => {
    const previous = order[index] as string;
    const first = [0, 1].map((from) => Math.min(...seen.filter((entry) => entry.from === from && entry.kid === kid).map((entry) => entry.at)));
    const last = [0, 1].map((from) => Math.max(...seen.filter((entry) => entry.from === from && entry.kid === previous).map((entry) => entry.at)));
    return { kid, firstApartMs: Math.abs((first[0] as number) - (first[1] as number)), oldAfterNewMs: Math.max(0, Math.max(...last) - Math.min(...first)) };
  });
  t.log(`tokens: ${seen.length}; JWKS fetches by the cache-honouring verifier: ${cached.fetches}; failures: ${failures.length}`);
  t.log(`switch-over per rotation: ${JSON.stringify(switches)}`);
  for (const entry of switches) t.true(entry.oldAfterNewMs < 5000, `${entry.kid}: old key signed ${entry.oldAfterNewMs} ms after the new one`);
  const logs = [...a.process.logs, ...b.process.logs];
  for (const kind of ['created', 'activated', 'retired'])
    t.true(
      logs.some((line) => line.securityEvent === `signing_key.${kind}`),
      `a security event for ${kind}`,
    );
  for (const instance of instances)
    t.false(instance.process.output().includes('WARNING'), 'oidc-provider warns of nothing (the external-signing experiment is acknowledged)');
});

test.serial('/jwks answers with Cache-Control no longer than the lead time and an ETag, and 304 to If-None-Match', async (t) => {
  const [a, b] = pair ?? t.fail('needs the processes of the first test') ?? [];
  if (!a || !b) return;
  const response = await fetch(`${a.url}/jwks`);
  t.is(response.headers.get('cache-control'), 'public, max-age=2');
  const etag = response.headers.get('etag');
  t.truthy(etag);
  const body = (await response.json()) as { keys: Array<Record<string, unknown>> };
  t.true(body.keys.every((key) => key.d === undefined && key.use === 'sig' && typeof key.alg === 'string'));
  const again = await fetch(`${b.url}/jwks`, { headers: { 'if-none-match': etag as string } });
  // The other process has the same set, so the same ETag (unless a transition fell in between).
  t.true(again.status === 304 || again.headers.get('etag') !== etag);
});

test.serial("an emergency revoke takes the key out of both processes' /jwks within 5 s and new tokens use another key", async (t) => {
  t.timeout(60_000);
  const [a, b] = pair ?? [];
  if (!a || !b) return t.fail('needs the processes of the first test');
  const kid = kidOf(await token(a));
  const revokedAt = Date.now();
  const answer = await adminPost(b, `/keys/${encodeURIComponent(kid)}/revoke`);
  t.is(answer.status, 200, JSON.stringify(answer.body));
  const gone = await Promise.all(
    [a, b].map(async (instance) => {
      while (Date.now() - revokedAt < 10_000) {
        if (!(await jwksKids(instance)).includes(kid)) return Date.now() - revokedAt;
        await sleep(20);
      }
      return Infinity;
    }),
  );
  const switched = await Promise.all(
    [a, b].map(async (instance) => {
      while (Date.now() - revokedAt < 10_000) {
        if (kidOf(await token(instance)) !== kid) return Date.now() - revokedAt;
        await sleep(20);
      }
      return Infinity;
    }),
  );
  t.log(`revoke: gone from /jwks after ${gone.join(' / ')} ms, new key signing after ${switched.join(' / ')} ms (processes A / B)`);
  for (const ms of [...gone, ...switched]) t.true(ms < 5000);
  t.true(a.process.output().includes('SIGNING KEY REVOKED') || b.process.output().includes('SIGNING KEY REVOKED'));
  const metrics = await (await fetch(`${b.url}/metrics`)).text().catch(() => '');
  t.log(
    metrics
      .split('\n')
      .filter((line) => line.startsWith('tollgate_signing_key'))
      .join('\n'),
  );
});

test.serial('the instance holding the rotation lock killed mid-transition: another completes it', async (t) => {
  t.timeout(90_000);
  const port = await freePort();
  const holder = spawnOnRedis(port, redis.url, 'crash:', {
    TOLLGATE_KEY_SOURCE: 'store',
    TOLLGATE_KEY_ENCRYPTION_KEY: kek,
    TOLLGATE_KEY_LOCK_TTL_MS: '3000',
    TOLLGATE_KEY_TRANSITION_DELAY_MS: '30000',
  });
  started.push(holder);
  await holder.waitForLog((line) => line.msg === 'signing-key transition waiting (keys.transitionDelayMs, testing only)', 60_000);
  holder.child.kill('SIGKILL');
  await holder.exited;
  const client = new Redis(redis.url);
  try {
    t.is(await client.hget('crash:{signing-keys}:set', 'v'), null, 'the killed holder wrote nothing');
    const next = await startInstance('crash:');
    t.is(await client.get('crash:{signing-keys}:fence'), '2', 'the second instance took the lock with a higher fencing token');
    const document = JSON.parse((await client.hget('crash:{signing-keys}:set', 'd')) as string) as { keys: Array<{ alg: string; state: string }> };
    t.is(document.keys.filter((key) => key.alg === 'ES256' && key.state === 'active').length, 1);
    t.truthy(kidOf(await token(next)));
  } finally {
    client.disconnect();
  }
});
