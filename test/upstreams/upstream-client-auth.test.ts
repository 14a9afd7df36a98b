import test from 'ava';

import { resolveConfig } from '../../src/config/load-config.ts';
import type { OidcUpstreamSettings } from '../../src/config/upstream-schema.ts';
import { chooseTokenEndpointAuthMethod } from '../../src/upstreams/upstream-client-auth.ts';

const key = JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' });
const upstream = (changes: object, env: Record<string, string> = { S: 'secret', K: key }) =>
  resolveConfig({ upstreams: [{ id: 'acme', name: 'Acme', type: 'oidc', issuer: 'https://sso.acme.test', clientId: 'c-1', ...changes }] }, env)
    .upstreams[0] as OidcUpstreamSettings;

test('the default method is the first the upstream advertises that tollgate has credentials for', (t) => {
  const secret = upstream({ clientSecretEnv: 'S' });
  t.is(chooseTokenEndpointAuthMethod(secret, ['client_secret_post']), 'client_secret_post');
  t.is(chooseTokenEndpointAuthMethod(secret, ['client_secret_post', 'client_secret_basic']), 'client_secret_basic');
  t.is(chooseTokenEndpointAuthMethod(secret, undefined), 'client_secret_basic', 'RFC 8414: nothing advertised means client_secret_basic');
  t.is(chooseTokenEndpointAuthMethod(upstream({ clientSecretEnv: 'S', privateKeyEnv: 'K' }), ['client_secret_basic', 'private_key_jwt']), 'private_key_jwt');
});

test('a configured method wins over what the upstream advertises', (t) => {
  t.is(
    chooseTokenEndpointAuthMethod(upstream({ clientSecretEnv: 'S', tokenEndpointAuthMethod: 'client_secret_post' }), ['client_secret_basic']),
    'client_secret_post',
  );
});

test('an upstream that accepts nothing tollgate has credentials for is an error saying to set tokenEndpointAuthMethod', (t) => {
  t.throws(() => chooseTokenEndpointAuthMethod(upstream({ clientSecretEnv: 'S' }), ['private_key_jwt']), { message: /set tokenEndpointAuthMethod/ });
});

test('private_key_jwt without privateKeyEnv, or with a variable that holds no private JWK, is a config error naming the setting', (t) => {
  const missing = t.throws(() => upstream({ tokenEndpointAuthMethod: 'private_key_jwt' }));
  t.is((missing as { code?: string }).code, 'invalid_config');
  t.regex(missing?.message ?? '', /upstreams\.acme\.privateKeyEnv: is required with tokenEndpointAuthMethod private_key_jwt/);
  const notAKey = t.throws(() => upstream({ tokenEndpointAuthMethod: 'private_key_jwt', privateKeyEnv: 'K' }, { K: 'not json, and secret' }));
  t.regex(notAKey?.message ?? '', /upstreams\.acme\.privateKeyEnv: environment variable K must hold a private JWK/);
  t.false(notAKey?.message.includes('not json, and secret'));
});

test('a secret method without clientSecretEnv is a config error naming the setting', (t) => {
  const error = t.throws(() => upstream({ tokenEndpointAuthMethod: 'client_secret_post' }));
  t.regex(error?.message ?? '', /upstreams\.acme\.clientSecretEnv: is required unless tokenEndpointAuthMethod is private_key_jwt/);
});
