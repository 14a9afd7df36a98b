import test from 'ava';

import { createProviderRoutes } from '../../src/provider/provider-routes.ts';
import type { RunningServer } from '../../src/server.ts';
import { startTestServer } from '../helpers/start-server.ts';

let server: RunningServer;

test.before(async () => {
  server = await startTestServer();
});

test.after.always(() => server?.stop());

test('paths are matched as oidc-provider routes them: case folded, one trailing slash dropped', (t) => {
  const routes = createProviderRoutes(server.tollgate.provider);
  t.is(routes.nameOf('/device'), 'code_verification');
  t.is(routes.nameOf('/DEVICE/'), 'code_verification');
  t.is(routes.nameOf('/device//'), undefined);
  t.is(routes.nameOf('/device/auth'), 'device_authorization');
  t.is(routes.nameOf('/Device/Auth/'), 'device_authorization');
  t.is(routes.nameOf('/device/some-uid'), 'device_resume');
  t.is(routes.nameOf('/device/some-uid/'), 'device_resume');
  t.is(routes.nameOf('/device/a/b'), undefined);
  t.is(routes.nameOf('/Token'), 'token');
  t.is(routes.nameOf('/reg/abc'), 'client');
  t.is(routes.nameOf('/.WELL-KNOWN/openid-configuration'), 'discovery');
  // U+017F folds to ASCII S in JavaScript; the router keeps it apart, and so do we.
  t.is(routes.nameOf('/\u017Fession'), undefined);
  t.is(routes.nameOf('/tokens'), undefined);
  t.true(routes.is('code_verification', '/DeViCe'));
  t.false(routes.is('code_verification', '/device/auth'));
});

test('answers are remembered per path, and stay right past the bound on what is remembered', (t) => {
  const routes = createProviderRoutes(server.tollgate.provider);
  for (let round = 0; round < 2; round++) {
    t.is(routes.nameOf('/token'), 'token');
    t.is(routes.nameOf('/device/some-uid'), 'device_resume');
    t.is(routes.nameOf('/nowhere'), undefined);
  }
  // More distinct paths than are remembered (a client making up paths), then the known ones again.
  for (let index = 0; index < 2500; index++) t.is(routes.nameOf(`/device/uid-${index}`), 'device_resume');
  t.is(routes.nameOf('/token'), 'token');
  t.is(routes.nameOf('/nowhere'), undefined);
  t.is(routes.nameOf('/Device/Auth/'), 'device_authorization');
});
