import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';

import type { RunningServer } from '../../src/server.ts';
import { startDeviceServer } from '../helpers/device-login.ts';
import { loginClis, runCli, stillLoggedIn, type Cli } from '../helpers/refreshing-clis.ts';
import { serverOnRedisPerFile } from '../helpers/server-per-file.ts';

// Issue 11.1: CLIs refreshing in a loop while their Redis is frozen (SIGSTOP), killed and
// restarted, frozen again. A CLI retries the same refresh token after a 503 or a connection
// error, as `tollgate token` does; a login is lost when a refresh answers invalid_grant.
// The Redis keeps its data across the kill (append-only file, fsync always).
// 16 by default; the figures were taken with 32 (OUTAGE_CLIENTS=32).
const clients = Number(process.env.OUTAGE_CLIENTS ?? 16);
const timeoutMs = 500;
const shared = serverOnRedisPerFile({
  redis: { persist: true },
  start: (redisUrl) => startDeviceServer(redisUrl, { TOLLGATE_REDIS_TIMEOUT_MS: String(timeoutMs) }),
});

/** Runs every CLI's loop while `outages` plays on the Redis, then stops them. */
async function refreshThrough(clis: Cli[], outages: () => Promise<void>, target: RunningServer = shared.server) {
  let running = true;
  const loops = Promise.all(clis.map((cli) => runCli(target, cli, () => running, 5_000)));
  try {
    await outages();
  } finally {
    shared.redis.resume();
    running = false;
    await loops;
  }
}

test.serial('CLIs refreshing through a frozen, a killed and restarted, and a long-frozen Redis lose no login', async (t) => {
  const clis = await loginClis(shared.server, clients);

  await refreshThrough(clis, async () => {
    await sleep(1_000);
    shared.redis.pause();
    await sleep(3_000);
    shared.redis.resume();
    await sleep(1_500);
    await shared.redis.kill();
    await sleep(1_000);
    await shared.redis.start();
    await sleep(2_000);
    shared.redis.pause();
    await sleep(8_000);
    shared.redis.resume();
    await sleep(2_000);
  });

  // Every login still refreshes once Redis is steady again.
  await stillLoggedIn(shared.server, clis);

  const lost = clis.filter((cli) => cli.lost);
  const refreshes = clis.reduce((sum, cli) => sum + cli.refreshed, 0);
  const retries = clis.reduce((sum, cli) => sum + cli.retried, 0);
  t.log(`${clients} CLIs: ${refreshes} refreshes, ${retries} retried answers, ${lost.length} logins lost`);
  for (const cli of lost) t.log(`lost: ${cli.lost}`);
  t.true(refreshes > clients, 'the CLIs did refresh');
  t.true(retries > 0, 'the outages were felt');
  t.is(lost.length, 0);
});

// Without the reuse interval, only the undo of rotations whose answer was lost keeps these
// logins: a CLI retries only after Redis thaws, whatever the interval would have allowed.
test.serial('with no reuse leeway, rotations cut off by a frozen Redis are undone, and no login is lost', async (t) => {
  const target = await startDeviceServer(shared.redis.url, {
    TOLLGATE_REDIS_TIMEOUT_MS: String(timeoutMs),
    TOLLGATE_REFRESH_TOKEN_REUSE_INTERVAL: '0',
    TOLLGATE_REDIS_PREFIX: 'no-leeway:',
  });
  try {
    const clis = await loginClis(target, 8);
    await refreshThrough(
      clis,
      async () => {
        for (const pause of [2_000, 3_000]) {
          await sleep(1_000);
          shared.redis.pause();
          await sleep(pause);
          shared.redis.resume();
        }
        await sleep(1_000);
      },
      target,
    );
    await stillLoggedIn(target, clis);
    const lost = clis.filter((cli) => cli.lost);
    t.log(
      `8 CLIs: ${clis.reduce((sum, cli) => sum + cli.refreshed, 0)} refreshes, ${clis.reduce((sum, cli) => sum + cli.retried, 0)} retried answers, ${lost.length} logins lost`,
    );
    t.true(
      clis.some((cli) => cli.retried > 0),
      'the outages were felt',
    );
    t.deepEqual(
      lost.map((cli) => cli.lost),
      [],
    );
  } finally {
    await target.stop();
  }
});
