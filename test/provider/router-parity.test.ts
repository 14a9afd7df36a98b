import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

import { createProviderRoutes, type ProviderRouteName } from '../../src/kernel/provider-internals.ts';
import { serverPerFile } from '../helpers/server-per-file.ts';

/**
 * Our route matcher (provider-internals.ts createProviderRoutes) against oidc-provider's own
 * router: for every route name, method and spelling of its path, a request to a real provider is
 * routed where the matcher says (node-oidc-provider keeps router_parity.test.js for the same
 * reason). The provider here has the routes tollgate enables, which the last test checks.
 */
const shared = serverPerFile();

const features = {
  devInteractions: { enabled: false },
  rpInitiatedLogout: { enabled: false },
  userinfo: { enabled: false },
  clientCredentials: { enabled: true },
  introspection: { enabled: true },
  revocation: { enabled: true },
  deviceFlow: { enabled: true },
  registration: { enabled: true, initialAccessToken: true },
  registrationManagement: { enabled: true },
};

let plain: { provider: Provider; server: Server; url: string; routed: ProviderRouteName | undefined };

test.serial.before(async () => {
  const provider = new Provider('http://localhost', { features, clientBasedCORS: () => false });
  const state = { provider, routed: undefined as ProviderRouteName | undefined };
  // Before the router: once it has run, ctx.oidc.route is the name of the route it matched.
  provider.use(async (ctx, next) => {
    state.routed = undefined;
    try {
      await next();
    } catch {
      // What the route does with an empty request is not the question here.
      ctx.status = 500;
    }
    state.routed = (ctx as Partial<KoaContextWithOIDC>).oidc?.route as ProviderRouteName | undefined;
  });
  const server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  plain = Object.assign(state, { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});

test.after.always(async () => {
  await new Promise((resolve) => plain?.server.close(resolve));
});

/** The route oidc-provider's router picked for one request (sent one at a time). */
function routedBy(method: string, path: string): Promise<ProviderRouteName | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(`${plain.url}${path}`, { method, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(plain.routed));
    });
    req.on('error', reject);
    req.end(method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? undefined : '');
  });
}

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'];
// Every route path of the provider, parameters filled in, and paths next to them that are none.
const paths = [
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
  '/jwks',
  '/token',
  '/token/introspection',
  '/token/revocation',
  '/device',
  '/device/auth',
  '/device/some-uid',
  '/device/a/b',
  '/reg',
  '/reg/some-client',
  '/auth',
  '/auth/some-uid',
  '/session/end/confirm',
  '/session/end',
  '/',
  '/nowhere',
  '/tokens',
  '/\u017Fession/end/confirm',
];
const spellings = (path: string) => [path, path.toUpperCase(), `${path}/`, `${path}//`];

const allNames: ProviderRouteName[] = [
  'discovery',
  'jwks',
  'token',
  'device_authorization',
  'code_verification',
  'device_resume',
  'introspection',
  'revocation',
  'registration',
  'client',
  'client_update',
  'client_delete',
  'authorization',
  'resume',
  'end_session_confirm',
  'cors.discovery',
  'cors.jwks',
  'cors.token',
  'cors.device_authorization',
  'cors.introspection',
  'cors.revocation',
];

test.serial('every request is routed by oidc-provider where our matcher says, for every route name, method and spelling', async (t) => {
  const ours = createProviderRoutes(plain.provider);
  const seen = new Set<ProviderRouteName>();
  const differences: string[] = [];
  for (const path of paths.flatMap(spellings)) {
    for (const method of methods) {
      const routed = await routedBy(method, encodeURI(path));
      const said = ours.nameOf(method, encodeURI(path));
      if (routed) seen.add(routed);
      if (routed !== said) differences.push(`${method} ${path}: oidc-provider ${routed ?? '(none)'}, ours ${said ?? '(none)'}`);
    }
  }
  t.deepEqual(differences, []);
  t.deepEqual([...seen].sort(), [...allNames].sort(), 'every route name was reached');
});

test.serial('tollgate’s provider has the same routes at the same paths as the provider checked above', (t) => {
  const ours = createProviderRoutes(shared.server.tollgate.provider);
  const plainRoutes = createProviderRoutes(plain.provider);
  for (const path of paths.flatMap(spellings)) {
    for (const method of methods) t.is(ours.nameOf(method, encodeURI(path)), plainRoutes.nameOf(method, encodeURI(path)), `${method} ${path}`);
  }
  for (const name of [
    'token',
    'jwks',
    'code_verification',
    'device_authorization',
    'introspection',
    'revocation',
    'registration',
    'authorization',
    'end_session_confirm',
  ]) {
    t.is(shared.server.tollgate.provider.pathFor(name), plain.provider.pathFor(name), name);
  }
});
