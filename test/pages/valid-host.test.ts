import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import Koa from 'koa';

import { createValidHost } from '../../src/pages/valid-host.ts';

/** A koa app answering 204 behind the Host check (one check, so what it remembers carries over). */
async function listen(proxy: boolean): Promise<{ send: (headers: Record<string, string>, path?: string) => Promise<number>; close: () => Promise<void> }> {
  const app = new Koa({ proxy });
  const validHost = createValidHost();
  app.use((ctx) => {
    if (!validHost(ctx)) ctx.status = 204;
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const send = (headers: Record<string, string>, path = '/token') =>
    new Promise<number>((resolve, reject) => {
      // The Host header as given (fetch would refuse or rewrite it).
      const req = request({ host: '127.0.0.1', port, path, headers: { accept: 'application/json', ...headers }, setHost: !('host' in headers) }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  return { send, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('the answer for a Host value is the same the first time and when remembered, for each value apart', async (t) => {
  const app = await listen(false);
  try {
    for (let round = 0; round < 2; round++) {
      t.is(await app.send({ host: 'tollgate.example:8443' }), 204, `round ${round}`);
      t.is(await app.send({ host: 'a b' }), 400, `round ${round}`);
      t.is(await app.send({ host: '[::1]:80' }), 204, `round ${round}`);
      t.is(await app.send({ host: 'x:99999' }), 400, `round ${round}`);
    }
  } finally {
    await app.close();
  }
});

test('behind a trusted proxy the forwarded host and protocol decide, each combination on its own', async (t) => {
  const app = await listen(true);
  try {
    for (let round = 0; round < 2; round++) {
      // The same Host with different forwarded values: never answered from another's memory.
      t.is(await app.send({ host: '%%' }), 400, `round ${round}: the Host alone`);
      t.is(await app.send({ host: '%%', 'x-forwarded-host': 'tollgate.example' }), 204, `round ${round}: a valid forwarded host wins`);
      t.is(await app.send({ host: 'tollgate.example', 'x-forwarded-host': 'a b' }), 400, `round ${round}: an invalid forwarded host`);
      // A header holding the text "undefined" is not the absent header.
      t.is(await app.send({ host: '%%', 'x-forwarded-host': 'undefined' }), 204, `round ${round}: "undefined" is a host`);
      t.is(await app.send({ host: 'tollgate.example', 'x-forwarded-proto': 'https' }), 204, `round ${round}: https`);
      t.is(await app.send({ host: 'tollgate.example', 'x-forwarded-proto': 'a b' }), 400, `round ${round}: no protocol`);
    }
  } finally {
    await app.close();
  }
});

test('without a trusted proxy the forwarded headers are not read', async (t) => {
  const app = await listen(false);
  try {
    t.is(await app.send({ host: 'tollgate.example', 'x-forwarded-host': 'a b', 'x-forwarded-proto': 'a b' }), 204);
    t.is(await app.send({ host: 'a b', 'x-forwarded-host': 'tollgate.example' }), 400);
  } finally {
    await app.close();
  }
});

test('an absolute request target is checked itself, whatever the Host', async (t) => {
  const app = await listen(false);
  try {
    t.is(await app.send({ host: 'a b' }, 'http://tollgate.example/token'), 204);
    t.is(await app.send({ host: 'tollgate.example' }, 'http://%%/token'), 400);
  } finally {
    await app.close();
  }
});
