import test from 'ava';
import Koa from 'koa';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createHealthRoutes } from '../../src/http/health-routes.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';

async function serve(allStarted: () => boolean) {
  const app = new Koa();
  app.use(createHealthRoutes(createMemoryStorage(), allStarted));
  const server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

test('readyz is 503 starting until every worker of the host has started, healthz 200 throughout', async (t) => {
  let started = false;
  const server = await serve(() => started);
  t.teardown(() => server.close());
  const starting = await fetch(`${server.url}/readyz`);
  t.is(starting.status, 503);
  t.is(((await starting.json()) as { status: string }).status, 'starting');
  t.is((await fetch(`${server.url}/healthz`)).status, 200);
  started = true;
  t.is((await fetch(`${server.url}/readyz`)).status, 200);
});
