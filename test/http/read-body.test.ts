import test from 'ava';
import Koa from 'koa';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createErrorMiddleware } from '../../src/http/error-middleware.ts';
import { readBody } from '../../src/http/read-body.ts';
import { createLogger } from '../../src/logger.ts';

let server: Server;
let url: string;

// A koa app whose one route echoes what readBody made of the request, errors rendered as in tollgate.
test.before(async () => {
  const app = new Koa();
  app.use(createErrorMiddleware(createLogger('silent')));
  app.use(async (ctx) => {
    ctx.body = { read: await readBody(ctx, 64) };
  });
  server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

test.after.always(() => server?.close());

async function send(body: string, type?: string) {
  const response = await fetch(url, { method: 'POST', body, headers: type ? { 'content-type': type } : {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test('JSON and form bodies are parsed; an empty body is an empty object', async (t) => {
  t.deepEqual((await send('{"a":1}', 'application/json')).body.read, { a: 1 });
  t.deepEqual((await send('a=1&b=two', 'application/x-www-form-urlencoded')).body.read, { a: '1', b: 'two' });
  t.deepEqual((await send('', 'application/json')).body.read, {});
  t.deepEqual((await send('')).body.read, {});
});

test('malformed JSON and other content types are 400 invalid_field naming the part at fault', async (t) => {
  t.like(await send('{nope', 'application/json'), { status: 400, body: { error: 'invalid_field', field: 'body' } });
  t.like(await send('<a/>', 'text/xml'), { status: 400, body: { error: 'invalid_field', field: 'content-type' } });
});

test('a body over the limit is refused, whether announced or streamed', async (t) => {
  const large = JSON.stringify({ text: 'x'.repeat(100) });
  t.like(await send(large, 'application/json'), {
    status: 400,
    body: { error: 'invalid_field', field: 'body', error_description: 'request body is larger than 64 bytes' },
  });
  const streamed = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(large));
        controller.close();
      },
    }),
    duplex: 'half',
  } as RequestInit);
  t.is(streamed.status, 400, 'no content-length: counted as it arrives');
});
