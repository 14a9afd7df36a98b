import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import Koa from 'koa';

import { serverOnRedisPerFile } from '../helpers/server-per-file.ts';
import { basicAuth, demoSecret, postForm } from '../helpers/start-server.ts';
import { createTokenVerifier, requireToken, type VerifiedAccessToken } from '../../packages/client/src/index.ts';

const shared = serverOnRedisPerFile();

let api: Server;
let apiUrl: string;

test.before(async () => {
  // A resource server as a service would write it: one route that reads, one that writes.
  const verifier = createTokenVerifier({ issuer: shared.server.url, audience: 'urn:tollgate:demo' });
  const app = new Koa();
  app.use(async (ctx, next) => {
    if (ctx.path !== '/read') return next();
    await requireToken(verifier, { scopes: ['demo:read'], realm: 'inventory' })(ctx, async () => {
      const principal = ctx.state.principal as VerifiedAccessToken;
      ctx.body = { subject: principal.subject, maxPriority: principal.maxPriority };
    });
  });
  app.use(requireToken(verifier, { scopes: ['demo:write'] }));
  app.use((ctx) => {
    ctx.body = { wrote: true };
  });
  api = createServer(app.callback());
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});

test.after.always(async () => {
  api?.closeAllConnections();
  await new Promise((resolve) => api?.close(resolve));
});

async function token(scope: string): Promise<string> {
  const { body } = await postForm(`${shared.server.url}/token`, { grant_type: 'client_credentials', scope }, { authorization: basicAuth('demo', demoSecret) });
  return body.access_token as string;
}

test('a valid token passes and the principal is on ctx.state', async (t) => {
  const response = await fetch(`${apiUrl}/read`, { headers: { authorization: `Bearer ${await token('demo:read')}` } });
  t.is(response.status, 200);
  t.deepEqual(await response.json(), { subject: 'demo', maxPriority: { default: 5 } });
});

test('the Bearer scheme name is case-insensitive', async (t) => {
  const response = await fetch(`${apiUrl}/read`, { headers: { authorization: `bearer ${await token('demo:read')}` } });
  t.is(response.status, 200);
});

test('no token is 401 with a bare challenge (RFC 6750 §3.1: no error code)', async (t) => {
  const response = await fetch(`${apiUrl}/read`);
  t.is(response.status, 401);
  t.is(response.headers.get('www-authenticate'), 'Bearer realm="inventory", scope="demo:read"');
  t.is(((await response.json()) as { error: string }).error, 'unauthorized');
});

test('another scheme is treated as no token', async (t) => {
  const response = await fetch(`${apiUrl}/read`, { headers: { authorization: basicAuth('demo', demoSecret) } });
  t.is(response.status, 401);
  t.false((response.headers.get('www-authenticate') ?? '').includes('error='));
});

test('an invalid token is 401 invalid_token', async (t) => {
  const response = await fetch(`${apiUrl}/read`, { headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' } });
  t.is(response.status, 401);
  t.regex(response.headers.get('www-authenticate') ?? '', /^Bearer realm="inventory", error="invalid_token", error_description="[^"]+"$/);
  t.is(((await response.json()) as { error: string }).error, 'invalid_token');
});

test('a token without the route scope is 403 insufficient_scope naming the scope', async (t) => {
  const response = await fetch(`${apiUrl}/write`, { method: 'POST', headers: { authorization: `Bearer ${await token('demo:read')}` } });
  t.is(response.status, 403);
  t.regex(response.headers.get('www-authenticate') ?? '', /error="insufficient_scope".*scope="demo:write"/);
  t.is(((await response.json()) as { error: string }).error, 'insufficient_scope');
});

test('a malformed Authorization header is 400 invalid_request', async (t) => {
  const response = await fetch(`${apiUrl}/read`, { headers: { authorization: 'Bearer two tokens' } });
  t.is(response.status, 400);
  t.is(((await response.json()) as { error: string }).error, 'invalid_request');
});

test('the write route accepts a token with the write scope', async (t) => {
  const response = await fetch(`${apiUrl}/write`, { method: 'POST', headers: { authorization: `Bearer ${await token('demo:write')}` } });
  t.is(response.status, 200);
  t.deepEqual(await response.json(), { wrote: true });
});
