import test from 'ava';
import { Redis } from 'ioredis';

import type { RunningServer } from '../../src/server.ts';
import { startRedis, type StartRedisOptions, type TestRedis } from './start-redis.ts';
import { startTestServer } from './start-server.ts';
import { startDeviceTestServer, type StoreKind, type TestStore } from './device-login.ts';

/**
 * Something every test of one file shares: started in a before hook, stopped in an
 * after.always hook (even when a test failed). The hooks are serial: ava runs plain hooks
 * concurrently, but starts none declared after a serial one until it is done, so the file's own
 * hooks (declared after this call) can use what it started. Read `.value` inside tests or hooks.
 */
export function startedPerFile<T>(what: string, start: () => Promise<T>, stop: (value: T) => Promise<void>): { readonly value: T } {
  let value: T | undefined;
  test.serial.before(async () => {
    value = await start();
  });
  test.serial.after.always(async () => {
    if (value !== undefined) await stop(value);
  });
  return {
    get value() {
      if (value === undefined) throw new Error(`${what} is not started yet: read it inside a test or a later hook`);
      return value;
    },
  };
}

/** A real Redis for every test of the file, and one ioredis client of it. */
export function redisClientPerFile(options: StartRedisOptions = {}): { readonly redis: TestRedis; readonly client: Redis } {
  const shared = startedPerFile(
    'Redis',
    async () => {
      const redis = await startRedis(options);
      return { redis, client: new Redis(redis.url) };
    },
    async ({ redis, client }) => {
      client.disconnect();
      await redis.stop();
    },
  );
  return {
    get redis() {
      return shared.value.redis;
    },
    get client() {
      return shared.value.client;
    },
  };
}

/** One tollgate for every test of the file; in-memory storage and the demo principals by default. */
export function serverPerFile(start: () => Promise<RunningServer> = () => startTestServer()): { readonly server: RunningServer } {
  const server = startedPerFile('the server', start, (running) => running.stop());
  return {
    get server() {
      return server.value;
    },
  };
}

/**
 * Storage (a Redis, a cluster, a sentinel group) and one tollgate on it for every test of the
 * file. The hooks are registered so that the storage starts first and stops last: the server
 * never sees its storage vanish.
 */
export function serverOnStoragePerFile<S extends { stop(): Promise<void> }>(
  what: string,
  startStorage: () => Promise<S>,
  startServer: (storage: S) => Promise<RunningServer>,
): { readonly storage: S; readonly server: RunningServer } {
  let storage: S | undefined;
  test.serial.before(async () => {
    storage = await startStorage();
  });
  const server = serverPerFile(() => startServer(shared.storage));
  test.serial.after.always(async () => {
    await storage?.stop();
  });
  const shared = {
    get storage() {
      if (!storage) throw new Error(`${what} is not started yet: read it inside a test or a later hook`);
      return storage;
    },
    get server() {
      return server.server;
    },
  };
  return shared;
}

export interface ServerOnRedisOptions {
  redis?: StartRedisOptions;
  /** How to start the server on that Redis; by default startTestServer with the demo principals. */
  start?: (redisUrl: string) => Promise<RunningServer>;
}

/** A real Redis and one tollgate on it for every test of the file (see serverOnStoragePerFile). */
export function serverOnRedisPerFile({ redis: redisOptions, start = (redisUrl) => startTestServer({ redisUrl }) }: ServerOnRedisOptions = {}): {
  readonly redis: TestRedis;
  readonly server: RunningServer;
} {
  const shared = serverOnStoragePerFile(
    'Redis',
    () => startRedis(redisOptions),
    (redis) => start(redis.url),
  );
  return {
    get redis() {
      return shared.storage;
    },
    get server() {
      return shared.server;
    },
  };
}

/** A suite's store and device server, shared by all its tests (see startedPerFile). */
export function deviceServerPerFile(kind: StoreKind): { readonly store: TestStore; readonly server: RunningServer } {
  const started = startedPerFile(
    `the ${kind} device server`,
    () => startDeviceTestServer(kind),
    (running) => running.stop(),
  );
  return {
    get store() {
      return started.value.store;
    },
    get server() {
      return started.value.server;
    },
  };
}
