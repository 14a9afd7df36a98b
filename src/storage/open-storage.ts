import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import { createMemoryStorage } from './memory-storage.ts';
import { connectRedis, createRedisClient } from './redis-connection.ts';
import { logRedisState, maskCredentials } from './redis-state-log.ts';
import { createRedisStorage } from './redis-storage.ts';
import type { Storage } from './storage.ts';

/**
 * The storage the configuration names, connected: Redis (waiting for it, logging each change of
 * its state until closed), or the in-process store when no Redis is configured.
 */
export async function openStorage(config: Config, logger: Logger): Promise<Storage> {
  if (!config.redis.url && config.redis.nodes.length === 0) {
    logger.warn(
      'NO STORAGE CONFIGURED: running on the in-process store; every client, account and token is lost when this process stops. Set REDIS_URL for anything but trying tollgate out.',
    );
    return createMemoryStorage({ secretPepper: config.secretPepper });
  }
  const client = createRedisClient(config.redis);
  // Connection errors surface to requests as 503 and to /readyz; the log gets one line per change.
  const stateLog = logRedisState(client, logger);
  await connectRedis(client, (error) => logger.warn({ err: { message: maskCredentials(error.message) } }, 'waiting for Redis'));
  logger.info({ mode: config.redis.mode }, 'connected to Redis');
  const storage = createRedisStorage(client, config.redis.keyPrefix, { secretPepper: config.secretPepper, deadlineMs: config.redis.commandTimeoutMs });
  return {
    ...storage,
    async close() {
      // A close is a shutdown, not an outage: stop reporting first.
      stateLog.stop();
      await storage.close();
    },
  };
}
