import { EventEmitter } from 'node:events';
import test from 'ava';

import { logRedisState, maskCredentials } from '../../src/storage/redis-state-log.ts';
import type { RedisClient } from '../../src/storage/redis-connection.ts';
import { captureLog } from '../helpers/capture-log.ts';

// The events of a real outage are exercised in test/integration/redis-outage.test.ts; here,
// the throttling and masking rules, driven by the events ioredis emits.
function setup(repeatMs = 60_000) {
  const client = new EventEmitter();
  const log = captureLog('debug');
  const stateLog = logRedisState(client as unknown as RedisClient, log.logger, repeatMs);
  return { client, log, stateLog };
}

test('credentials in a URL inside an error message are masked', (t) => {
  t.is(maskCredentials('cannot reach redis://admin:s3cret@redis.internal:6379/0'), 'cannot reach redis://[redacted]@redis.internal:6379/0');
  t.is(maskCredentials('rediss://:only-password@host:6380'), 'rediss://[redacted]@host:6380');
  t.is(maskCredentials('connect ECONNREFUSED 127.0.0.1:6379'), 'connect ECONNREFUSED 127.0.0.1:6379');
});

test('errors before the first ready are left to connectRedis; a loss and a restore are logged once each', (t) => {
  const { client, log } = setup();
  client.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:6379'));
  t.is(log.text(), '');
  client.emit('ready');
  for (let attempt = 0; attempt < 5; attempt += 1) {
    client.emit('error', new Error('connect ECONNREFUSED redis://user:pw@127.0.0.1:6379'));
    client.emit('close');
  }
  client.emit('ready');
  client.emit('ready');
  const lost = log.lines(/^lost the connection to Redis/);
  t.is(lost.length, 1);
  t.is((lost[0]?.err as { message?: string }).message, 'connect ECONNREFUSED redis://[redacted]@127.0.0.1:6379');
  t.is(log.lines(/^connection to Redis restored/).length, 1);
  t.false(log.text().includes(':pw@'));
});

test('while Redis stays away, a reminder is logged at most once per interval', async (t) => {
  const { client, log } = setup(100);
  client.emit('ready');
  client.emit('close');
  for (let attempt = 0; attempt < 5; attempt += 1) client.emit('error', new Error('connect ECONNREFUSED'));
  t.is(log.lines(/^Redis is still unreachable/).length, 0);
  await new Promise((resolve) => setTimeout(resolve, 150));
  for (let attempt = 0; attempt < 5; attempt += 1) client.emit('error', new Error('connect ECONNREFUSED'));
  t.is(log.lines(/^Redis is still unreachable/).length, 1);
});

test('after stop, the close of a shutdown is not reported as an outage', (t) => {
  const { client, log, stateLog } = setup();
  client.emit('ready');
  stateLog.stop();
  client.emit('close');
  client.emit('end');
  t.is(log.text(), '');
});

test('a cluster node error counts like a connection error', (t) => {
  const { client, log } = setup();
  client.emit('ready');
  client.emit('node error', new Error('Connection is closed.'), '127.0.0.1:7000');
  t.is(log.lines(/^lost the connection to Redis/).length, 1);
});
