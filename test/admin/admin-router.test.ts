import test from 'ava';
import { importJWK, SignJWT, type JWK } from 'jose';
import Koa from 'koa';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

import { createAccountStore } from '../../src/accounts/account-store.ts';
import type { AdminDeps, AdminRoute } from '../../src/admin/admin-route.ts';
import { createAdminRouter } from '../../src/admin/admin-router.ts';
import { createClientRegistry } from '../../src/clients/client-registry.ts';
import { createErrorMiddleware } from '../../src/http/error-middleware.ts';
import { generateSigningKey } from '../../src/keys/signing-keys.ts';
import { createLogger } from '../../src/logger.ts';
import { adminClientRecord } from '../../src/seed/bootstrap-admin.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';

const issuer = 'https://tollgate.test';
let server: Server;
let url: string;
let token: string;
const emitted: Array<Record<string, unknown>> = [];

// Two routes that echo what the router hands them.
const routes: AdminRoute[] = [
  {
    method: 'GET',
    path: '/things/:id',
    summary: 'echo',
    responses: { 200: z.unknown() },
    handle: async ({ params, query, caller }) => ({ body: { params, q: query.get('q'), caller } }),
  },
  {
    method: 'POST',
    path: '/things/:id',
    summary: 'echo',
    responses: { 201: z.unknown() },
    handle: async ({ params, body }) => ({ status: 201, body: { params, body } }),
  },
];

test.before(async () => {
  const storage = createMemoryStorage();
  const clients = createClientRegistry(storage, 0, () => {});
  await clients.create(adminClientRecord('adm', 'Admin', 'an-admin-secret-0123456789abcdef', undefined));
  const key = await generateSigningKey('ES256');
  const securityEvents = { emit: (name: string, details: Record<string, unknown>) => emitted.push({ name, ...details }) };
  const deps = {
    config: { issuer },
    signingKeys: { jwks: { keys: [key] }, signingKid: { ES256: key.kid }, ephemeral: true },
    clients,
    accounts: createAccountStore(storage),
    securityEvents,
  } as unknown as AdminDeps;
  token = await new SignJWT({ scope: 'admin', client_id: 'adm' })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: key.kid as string })
    .setIssuer(issuer)
    .setAudience('urn:tollgate:admin')
    .setSubject('adm')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(await importJWK(key as JWK, 'ES256'));
  const app = new Koa();
  app.use(createErrorMiddleware(createLogger('silent')));
  app.use(createAdminRouter(deps, routes));
  server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.after.always(() => server?.close());

async function call(method: string, path: string, init: { body?: string; type?: string; auth?: boolean } = {}) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(init.auth === false ? {} : { authorization: `Bearer ${token}` }), ...(init.type ? { 'content-type': init.type } : {}) },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

test('a matching route gets its decoded path parameters, the query and the caller', async (t) => {
  const response = await call('GET', '/admin/things/a%2Fb?q=x');
  t.is(response.status, 200);
  t.deepEqual(response.body, { params: { id: 'a/b' }, q: 'x', caller: { clientId: 'adm', sub: 'adm', ip: '127.0.0.1' } });
  t.is(response.headers.get('cache-control'), 'no-store');
});

test('a JSON body reaches the route, with the status it chose', async (t) => {
  const response = await call('POST', '/admin/things/1', { body: '{"name":"x"}', type: 'application/json' });
  t.deepEqual([response.status, response.body], [201, { params: { id: '1' }, body: { name: 'x' } }]);
  t.like(await call('POST', '/admin/things/1', { body: 'name=x', type: 'application/x-www-form-urlencoded' }), {
    status: 400,
    body: { error: 'invalid_field', field: 'content-type' },
  });
});

test('nothing is visible without an admin token, not even a 404', async (t) => {
  const response = await call('GET', '/admin/nowhere', { auth: false });
  t.like(response, { status: 401, body: { error: 'unauthorized' } });
  t.like(
    emitted.find((event) => event.path === '/admin/nowhere'),
    { name: 'admin.refused', method: 'GET', status: 401 },
    'a refused admin call is a security event',
  );
  t.is(response.headers.get('www-authenticate'), 'Bearer realm="tollgate-admin"');
});

test('an unknown path is 404, a known path with another method 405 with Allow', async (t) => {
  t.like(await call('GET', '/admin/nowhere'), { status: 404, body: { error: 'not_found' } });
  const response = await call('DELETE', '/admin/things/1');
  t.like(response, { status: 405, body: { error: 'method_not_allowed' } });
  t.is(response.headers.get('allow'), 'GET, POST');
  t.like(await call('GET', '/admin/things/%E0%A4%A'), { status: 404, body: { error: 'not_found' } });
});

test('paths outside /admin pass through untouched', async (t) => {
  const response = await fetch(`${url}/administrator`);
  t.is(response.status, 404);
  t.is(response.headers.get('cache-control'), null);
});
