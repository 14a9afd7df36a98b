import test from 'ava';
import { createLocalJWKSet, jwtVerify } from 'jose';

import { generateSigningKey } from '../../src/keys/signing-keys.ts';
import { basicAuth, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';

test('a JWKS holding only an ES256 key issues tokens (no RS256 key is needed for ID-token defaults)', async (t) => {
  const key = await generateSigningKey('ES256');
  const server = await startTestServer({ env: { TOLLGATE_JWKS: JSON.stringify({ keys: [key] }) } });
  t.teardown(() => server.stop());

  const { status, body } = await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
  t.is(status, 200, JSON.stringify(body));
  const jwks = (await (await fetch(`${server.url}/jwks`)).json()) as { keys: { kid: string }[] };
  t.deepEqual(
    jwks.keys.map(({ kid }) => kid),
    [key.kid],
  );
  const { protectedHeader } = await jwtVerify(body.access_token as string, createLocalJWKSet(jwks as never), { typ: 'at+jwt' });
  t.is(protectedHeader.kid, key.kid);
});
