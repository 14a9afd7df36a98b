/**
 * Client-id enumeration by timing (issue 21.5): does a token request naming a client that exists
 * (never used, wrong secret) take longer than one naming an unknown id? Every id is probed once,
 * known and unknown interleaved at random, from a real HTTP client against tollgate on a real
 * Redis. Prints both groups' means, their difference and its z score (Welch), for the wall time
 * the client sees and for the CPU time of the one thread serving (and sending) the request: the
 * second holds on a loaded machine, where the first drowns in scheduling noise.
 *
 *   node bench/client-id-timing.ts [--per-group 3000] [--cache-ms 2000]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

import { grantTypes } from '../src/clients/client-record.ts';
import { startRedis } from '../test/helpers/start-redis.ts';
import { basicAuth, startTestServer } from '../test/helpers/start-server.ts';
import { createTestClient } from '../test/helpers/test-principals.ts';

const { values } = parseArgs({ options: { 'per-group': { type: 'string', default: '3000' }, 'cache-ms': { type: 'string', default: '2000' } } });
const perGroup = Number(values['per-group']);

const redis = await startRedis();
const server = await startTestServer({ redisUrl: redis.url, env: { TOLLGATE_CLIENT_CACHE_MS: values['cache-ms'], TOLLGATE_LOG_LEVEL: 'warn' } });
try {
  const fields = { grantTypes: [grantTypes.clientCredentials], scopes: ['demo:read'] };
  const known: string[] = [];
  for (let index = 0; index < perGroup + 200; index += 1) known.push((await createTestClient(server, fields)).clientId);
  // An unknown id looks like a known one: same prefix, same length.
  const unknown = known.map((id) => `${id.slice(0, -6)}${randomBytes(3).toString('hex')}`);

  const probe = async (clientId: string) => {
    const cpu = process.threadCpuUsage();
    const started = process.hrtime.bigint();
    const response = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(clientId, 'a-wrong-secret-0123456789abcdef') },
      body: 'grant_type=client_credentials',
    });
    await response.arrayBuffer();
    if (response.status !== 401) throw new Error(`expected 401, got ${response.status}`);
    const wall = Number(process.hrtime.bigint() - started) / 1e6;
    const used = process.threadCpuUsage(cpu);
    return { wall, cpu: (used.user + used.system) / 1000 };
  };

  // Warm-up on 200 ids of each kind that are not measured.
  for (let index = 0; index < 200; index += 1) {
    await probe(known[perGroup + index] as string);
    await probe(unknown[perGroup + index] as string);
  }
  const order = [...known.slice(0, perGroup).map((id) => ['known', id] as const), ...unknown.slice(0, perGroup).map((id) => ['unknown', id] as const)];
  for (let index = order.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [order[index], order[other]] = [order[other] as (typeof order)[number], order[index] as (typeof order)[number]];
  }
  const times = { known: [] as Array<{ wall: number; cpu: number }>, unknown: [] as Array<{ wall: number; cpu: number }> };
  for (const [kind, id] of order) times[kind].push(await probe(id));

  const stats = (list: number[]) => {
    const mean = list.reduce((sum, value) => sum + value, 0) / list.length;
    const variance = list.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (list.length - 1);
    const sorted = [...list].sort((a, b) => a - b);
    return { mean, variance, median: sorted[Math.floor(sorted.length / 2)] as number };
  };
  const ms = (value: number) => `${value.toFixed(4)} ms`;
  let report = `${perGroup} ids per group, each probed once (client cache ${values['cache-ms']} ms)\n`;
  for (const measure of ['wall', 'cpu'] as const) {
    const a = stats(times.known.map((time) => time[measure]));
    const b = stats(times.unknown.map((time) => time[measure]));
    const difference = a.mean - b.mean;
    const z = difference / Math.sqrt(a.variance / perGroup + b.variance / perGroup);
    report +=
      `${measure === 'wall' ? 'wall time' : 'main-thread CPU time'}: known, never used: mean ${ms(a.mean)}, median ${ms(a.median)}; unknown: mean ${ms(b.mean)}, median ${ms(b.median)}\n` +
      `  difference (known - unknown): mean ${ms(difference)}, median ${ms(a.median - b.median)}, z = ${z.toFixed(1)}\n`;
  }
  process.stdout.write(report);
} finally {
  await server.stop();
  await redis.stop();
}
