import { execFileSync } from 'node:child_process';
import test from 'ava';

import { requestLogContext } from '../src/logger.ts';
import { captureLog } from './helpers/capture-log.ts';

/** What ioredis attaches to the error of a failed command. */
function redisError(message: string, args: string[]) {
  return Object.assign(new Error(message), { command: { name: 'hset', args } });
}

test('a Redis command error is logged with the command name but without its arguments', (t) => {
  const log = captureLog();
  const token = 'refresh-token-value-that-names-a-key-0123';
  log.logger.error({ err: redisError('READONLY You can not write against a read only replica.', [`oidc:RefreshToken:{${token}}`, '{"jti":"x"}']) }, 'failed');
  const [line] = log.lines(/^failed$/);
  t.deepEqual((line?.err as { command?: unknown }).command, { name: 'hset' });
  t.regex(String((line?.err as { message?: unknown }).message), /READONLY/);
  t.false(log.text().includes(token));
});

test('the arguments are dropped from each error of an AggregateError too', (t) => {
  const log = captureLog();
  const secret = 'a-value-written-to-redis-0123456789';
  log.logger.error({ err: new AggregateError([redisError('CLUSTERDOWN', ['key', secret])], 'every node failed') }, 'failed');
  t.false(log.text().includes(secret));
  t.regex(log.text(), /CLUSTERDOWN/);
});

test('pino-pretty is loaded only when pretty output is on', (t) => {
  const loaded = (format: string) =>
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { createRequire } from 'node:module'; const { createLogger } = await import('./src/logger.ts'); createLogger('info', undefined, '${format}'); process.stdout.write(String(Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/pino-pretty/'))));`,
      ],
      { encoding: 'utf8' },
    );
  t.is(loaded('json'), 'false');
  t.is(loaded('pretty'), 'true');
});

test('each line of a request carries its request id and only its own fields, not those of earlier lines', (t) => {
  const log = captureLog();
  requestLogContext.run({ reqId: 'request-1' }, () => {
    log.logger.info({ securityEvent: 'grant.revoked', reason: 'refresh_token_reuse' }, 'first');
    log.logger.info({ error: 'invalid_grant' }, 'second');
  });
  const [first] = log.lines(/^first$/);
  const [second] = log.lines(/^second$/);
  t.like(first, { reqId: 'request-1', securityEvent: 'grant.revoked' });
  t.is(second?.reqId, 'request-1');
  t.is(second?.securityEvent, undefined);
  t.is(second?.reason, undefined);
});
