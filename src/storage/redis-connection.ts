import { Cluster, Redis, type RedisOptions } from 'ioredis';

import type { Config } from '../config/schema.ts';

export type RedisClient = Redis | Cluster;

/**
 * Connects lazily-failing: with the offline queue off, a command issued while Redis is away
 * fails at once (and the request gets 503) instead of queueing until it times out, while
 * ioredis keeps reconnecting in the background.
 */
export function createRedisClient(redis: Config['redis']): RedisClient {
  const common: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: redis.commandTimeoutMs,
    connectTimeout: Math.max(redis.commandTimeoutMs, 2000),
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
    lazyConnect: true,
    // Commands issued in the same tick by concurrent requests go out in one write: a token
    // request makes several round trips, and at load each write is a syscall saved.
    enableAutoPipelining: true,
    // A script command defined after an auto-pipeline was opened is missing from that pipeline
    // (ioredis 6: "pipeline[functionName] is not a function"). rate-limiter-flexible defines
    // its script each time a limiter is created, possibly mid-traffic, so it goes out on its own.
    autoPipeliningIgnoredCommands: ['rlflxIncr'],
  };
  const nodes = redis.nodes.map((node) => {
    const [host, port] = node.split(':');
    return { host: host as string, port: Number(port) };
  });

  switch (redis.mode) {
    case 'cluster':
      return new Cluster(nodes, {
        enableOfflineQueue: false,
        lazyConnect: true,
        enableAutoPipelining: true,
        autoPipeliningIgnoredCommands: common.autoPipeliningIgnoredCommands,
        clusterRetryStrategy: (attempt) => Math.min(attempt * 100, 2000),
        redisOptions: { ...common, ...credentialsFrom(redis.url) },
      });
    case 'sentinel':
      return new Redis({ ...common, ...credentialsFrom(redis.url), sentinels: nodes, name: redis.sentinelName });
    case 'standalone':
      return new Redis(redis.url as string, common);
  }
}

function credentialsFrom(url: string | undefined): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  if (!url) return {};
  const parsed = new URL(url);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Resolves once connected; keeps retrying (and reporting each failure) until it is. */
export async function connectRedis(client: RedisClient, onRetry: (error: Error) => void): Promise<void> {
  for (;;) {
    try {
      await client.connect();
      return;
    } catch (error) {
      if (client.status === 'ready') return;
      onRetry(error as Error);
      client.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
