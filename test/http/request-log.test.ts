import { Writable } from 'node:stream';
import test from 'ava';

import { createLogger } from '../../src/logger.ts';
import type { RunningServer } from '../../src/server.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { basicAuth, postForm, startTestServer } from '../helpers/start-server.ts';

const log = captureLog('debug');
let server: RunningServer;

test.before(async () => {
  server = await startTestServer({ logger: log.logger });
});

test.after.always(async () => {
  await server?.stop();
});

test('every line logged while serving a request carries its request id', async (t) => {
  const refused = await postForm(
    `${server.url}/token`,
    { grant_type: 'client_credentials' },
    { authorization: basicAuth('demo', 'wrong-secret-0123456789'), 'x-request-id': 'trace-refused-1' },
  );
  t.is(refused.body.error, 'invalid_client');
  t.is(refused.headers.get('x-request-id'), 'trace-refused-1');
  const [line] = log.lines(/^token request refused$/).filter((entry) => entry.error === 'invalid_client');
  t.is(line?.reqId, 'trace-refused-1', 'a provider event logged inside the request');
  t.is(log.lines(/^request$/).find((entry) => entry.path === '/token')?.reqId, 'trace-refused-1');
});

test('lines logged outside any request carry no request id', (t) => {
  log.logger.info('between requests');
  t.false('reqId' in (log.lines(/^between requests$/)[0] ?? { reqId: 'missing' }));
});

test('the pretty format writes one human-readable line per event, request id included', (t) => {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger('info', sink, 'pretty');
  logger.info({ reqId: 'abc-123', status: 200 }, 'request');
  const lines = chunks.join('').trimEnd().split('\n');
  t.is(lines.length, 1);
  t.regex(lines[0] as string, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(\d+\): request \{.*"reqId":"abc-123".*\}$/);
});
