import test from 'ava';

import { createProviderRoutes, type ProviderRouteName } from '../../src/kernel/provider-internals.ts';
import { serverPerFile } from '../helpers/server-per-file.ts';

const shared = serverPerFile();

/** Method, path, and the route oidc-provider answers it with (undefined: none of its routes). */
const expectedRoutes: ReadonlyArray<readonly [method: string, path: string, route: ProviderRouteName | undefined]> = [
  ['GET', '/device', 'code_verification'],
  ['POST', '/DEVICE/', 'code_verification'],
  ['HEAD', '/device', 'code_verification'],
  ['GET', '/device//', undefined],
  ['POST', '/device/auth', 'device_authorization'],
  ['POST', '/Device/Auth/', 'device_authorization'],
  ['OPTIONS', '/device/auth', 'cors.device_authorization'],
  // The device authorization endpoint is POST only: a GET is the device resume of uid "auth".
  ['GET', '/device/auth', 'device_resume'],
  ['HEAD', '/device/auth', 'device_resume'],
  ['GET', '/DEVICE/AUTH/', 'device_resume'],
  ['GET', '/device/some-uid', 'device_resume'],
  ['GET', '/device/some-uid/', 'device_resume'],
  ['POST', '/device/some-uid', undefined],
  ['GET', '/device/a/b', undefined],
  ['POST', '/Token', 'token'],
  ['GET', '/token', undefined],
  ['GET', '/reg/abc', 'client'],
  ['PUT', '/reg/abc', 'client_update'],
  ['DELETE', '/reg/abc', 'client_delete'],
  ['GET', '/.WELL-KNOWN/openid-configuration', 'discovery'],
  // U+017F folds to ASCII S in JavaScript; the router keeps it apart, and so do we.
  ['POST', '/\u017Fession/end/confirm', undefined],
  ['POST', '/session/end/confirm', 'end_session_confirm'],
  ['POST', '/tokens', undefined],
];

test('requests are matched as oidc-provider routes them: by method, case folded, one trailing slash dropped', (t) => {
  const routes = createProviderRoutes(shared.server.tollgate.provider);
  for (const [method, path, route] of expectedRoutes) t.is(routes.nameOf(method, path), route, `${method} ${path}`);
});

test('answers are remembered per method and path, and stay right past the bound on what is remembered', (t) => {
  const routes = createProviderRoutes(shared.server.tollgate.provider);
  for (let round = 0; round < 2; round++) {
    t.is(routes.nameOf('POST', '/token'), 'token');
    t.is(routes.nameOf('GET', '/device/some-uid'), 'device_resume');
    t.is(routes.nameOf('GET', '/nowhere'), undefined);
  }
  // More distinct paths than are remembered (a client making up paths), then the known ones again.
  for (let index = 0; index < 2500; index++) t.is(routes.nameOf('GET', `/device/uid-${index}`), 'device_resume');
  t.is(routes.nameOf('POST', '/token'), 'token');
  t.is(routes.nameOf('GET', '/nowhere'), undefined);
  t.is(routes.nameOf('POST', '/Device/Auth/'), 'device_authorization');
  t.is(routes.nameOf('GET', '/Device/Auth/'), 'device_resume');
});
