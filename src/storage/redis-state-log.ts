import type { Logger } from '../logger.ts';
import type { RedisClient } from './redis-connection.ts';

export interface RedisStateLog {
  /** Stops reporting: a close that follows is a shutdown, not an outage. */
  stop(): void;
}

/**
 * Logs the Redis connection once per change of state (lost, restored) instead of once per
 * ioredis 'error' event, which fires on every reconnection attempt. While Redis stays away,
 * one reminder per `repeatMs`. Only error messages are logged, with any credentials in them
 * masked: the URL's password never reaches a log line.
 */
export function logRedisState(client: RedisClient, logger: Logger, repeatMs = 60_000): RedisStateLog {
  // Before the first 'ready', connectRedis reports the attempts itself.
  let state: 'connecting' | 'up' | 'down' | 'stopped' = 'connecting';
  let lastReminder = 0;

  const lost = (error?: Error) => {
    if (state !== 'up') return;
    state = 'down';
    lastReminder = Date.now();
    logger.warn({ err: describe(error) }, 'lost the connection to Redis: storage-dependent requests get 503 until it is back');
  };

  client.on('ready', () => {
    if (state === 'stopped') return;
    if (state === 'down') logger.info('connection to Redis restored');
    state = 'up';
  });
  client.on('close', () => lost());
  client.on('node error', (error: Error) => onError(error));
  client.on('error', (error: Error) => onError(error));

  function onError(error: Error) {
    if (state === 'up') return lost(error);
    if (state !== 'down' || Date.now() - lastReminder < repeatMs) return;
    lastReminder = Date.now();
    logger.warn({ err: describe(error) }, 'Redis is still unreachable');
  }

  return {
    stop() {
      state = 'stopped';
    },
  };
}

function describe(error: Error | undefined): { message: string } | undefined {
  return error ? { message: maskCredentials(error.message) } : undefined;
}

/** `redis://user:secret@host` -> `redis://[redacted]@host`, wherever it appears in a text. */
export function maskCredentials(text: string): string {
  return text.replace(/\/\/[^@\s/]+@/g, '//[redacted]@');
}
