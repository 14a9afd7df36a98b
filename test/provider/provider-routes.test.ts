import test from 'ava';

import { createProviderRoutes } from '../../src/kernel/provider-internals.ts';
import type { RunningServer } from '../../src/server.ts';
import { startTestServer } from '../helpers/start-server.ts';

let server: RunningServer;

test.before(async () => {
  server = await startTestServer();
});

test.after.always(() => server?.stop());

test('requests are matched as oidc-provider routes them: by method, case folded, one trailing slash dropped', (t) => {
  const routes = createProviderRoutes(server.tollgate.provider);
  t.is(routes.nameOf('GET', '/device'), 'code_verification');
  t.is(routes.nameOf('POST', '/DEVICE/'), 'code_verification');
  t.is(routes.nameOf('HEAD', '/device'), 'code_verification');
  t.is(routes.nameOf('GET', '/device//'), undefined);
  t.is(routes.nameOf('POST', '/device/auth'), 'device_authorization');
  t.is(routes.nameOf('POST', '/Device/Auth/'), 'device_authorization');
  t.is(routes.nameOf('OPTIONS', '/device/auth'), 'cors.device_authorization');
  // The device authorization endpoint is POST only: a GET is the device resume of uid "auth".
  t.is(routes.nameOf('GET', '/device/auth'), 'device_resume');
  t.is(routes.nameOf('HEAD', '/device/auth'), 'device_resume');
  t.is(routes.nameOf('GET', '/DEVICE/AUTH/'), 'device_resume');
  t.is(routes.nameOf('GET', '/device/some-uid'), 'device_resume');
  t.is(routes.nameOf('GET', '/device/some-uid/'), 'device_resume');
  t.is(routes.nameOf('POST', '/device/some-uid'), undefined);
  t.is(routes.nameOf('GET', '/device/a/b'), undefined);
  t.is(routes.nameOf('POST', '/Token'), 'token');
  t.is(routes.nameOf('GET', '/token'), undefined);
  t.is(routes.nameOf('GET', '/reg/abc'), 'client');
  t.is(routes.nameOf('PUT', '/reg/abc'), 'client_update');
  t.is(routes.nameOf('DELETE', '/reg/abc'), 'client_delete');
  t.is(routes.nameOf('GET', '/.WELL-KNOWN/openid-configuration'), 'discovery');
  // U+017F folds to ASCII S in JavaScript; the router keeps it apart, and so do we.
  t.is(routes.nameOf('POST', '/\u017Fession/end/confirm'), undefined);
  t.is(routes.nameOf('POST', '/session/end/confirm'), 'end_session_confirm');
  t.is(routes.nameOf('POST', '/tokens'), undefined);
});

test('answers are remembered per method and path, and stay right past the bound on what is remembered', (t) => {
  const routes = createProviderRoutes(server.tollgate.provider);
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
