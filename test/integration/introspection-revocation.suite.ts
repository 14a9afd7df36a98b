import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';

import type { RunningServer } from '../../src/server.ts';
import { deviceLogin, startDeviceTestServer, type StoreKind } from '../helpers/device-login.ts';
import { basicAuth, demoSecret, postForm } from '../helpers/start-server.ts';
import { createTestAccount, createTestClient } from '../helpers/test-principals.ts';

/** RFC 7009 revocation and RFC 7662 introspection, against one store kind. */
export function introspectionRevocationSuite(kind: StoreKind) {
  let server: RunningServer;
  let stop: () => Promise<void>;
  /** A resource server's credentials: a confidential client allowed urn:tollgate:demo. */
  let api: { clientId: string; secret: string };

  test.before(async () => {
    ({ server, stop } = await startDeviceTestServer(kind));
    const record = await createTestClient(server, { name: 'Demo API', grantTypes: ['client_credentials'] });
    api = { clientId: record.clientId, secret: record.secret as string };
  });

  test.after.always(() => stop?.());

  const introspect = (token: string, as: { clientId: string; secret: string } = api, form: Record<string, string> = {}) =>
    postForm(`${server.url}/token/introspection`, { token, ...form }, { authorization: basicAuth(as.clientId, as.secret) });
  const revoke = (form: Record<string, string>, headers: Record<string, string> = {}) => postForm(`${server.url}/token/revocation`, form, headers);
  const refresh = (refreshToken: string, clientId = 'demo-cli', headers: Record<string, string> = {}) =>
    postForm(
      `${server.url}/token`,
      { grant_type: 'refresh_token', refresh_token: refreshToken, ...(headers.authorization ? {} : { client_id: clientId }) },
      headers,
    );

  async function loginAs(options: { clientId?: string; secret?: string } = {}) {
    const account = await createTestAccount(server, { default: 4 });
    const auth = options.secret ? (await import('openid-client')).ClientSecretBasic(options.secret) : undefined;
    const { tokens } = await deviceLogin(server, {
      username: account.username,
      password: account.password,
      ...(options.clientId ? { clientId: options.clientId } : {}),
      ...(auth ? { auth } : {}),
    });
    return { account, accessToken: tokens.access_token, refreshToken: tokens.refresh_token as string };
  }

  test('a public CLI revokes its refresh token on logout, which ends the grant', async (t) => {
    const { accessToken, refreshToken } = await loginAs();
    t.true((await introspect(accessToken)).body.active);
    const logout = await revoke({ token: refreshToken, token_type_hint: 'refresh_token', client_id: 'demo-cli' });
    t.is(logout.status, 200);
    t.is((await refresh(refreshToken)).body.error, 'invalid_grant');
    t.deepEqual((await introspect(accessToken)).body, { active: false });
  });

  test('revocation without any client identification is invalid_client with 401', async (t) => {
    const { refreshToken } = await loginAs();
    const { status, body, headers } = await revoke({ token: refreshToken });
    t.is(status, 401);
    t.is(body.error, 'invalid_client');
    t.truthy(headers.get('www-authenticate'));
    t.is((await refresh(refreshToken)).status, 200);
  });

  test('a public client cannot revoke another client’s token, and is not told whether it exists', async (t) => {
    const cli = await createTestClient(server, { authMethod: 'none' });
    const { refreshToken } = await loginAs();
    const { status } = await revoke({ token: refreshToken, client_id: cli.clientId });
    t.is(status, 200);
    t.is((await refresh(refreshToken)).status, 200);
  });

  test('a confidential client asking to revoke another client’s token is refused', async (t) => {
    const { refreshToken } = await loginAs();
    const { status, body } = await revoke({ token: refreshToken }, { authorization: basicAuth(api.clientId, api.secret) });
    t.is(status, 400);
    t.is(body.error, 'invalid_request');
    t.is((await refresh(refreshToken)).status, 200);
  });

  test('revoking an unknown token succeeds without effect (RFC 7009 §2.2)', async (t) => {
    const { status } = await revoke({ token: 'no-such-token', client_id: 'demo-cli' });
    t.is(status, 200);
  });

  test('introspection without client authentication is invalid_client with 401', async (t) => {
    const { accessToken } = await loginAs();
    const anonymous = await postForm(`${server.url}/token/introspection`, { token: accessToken });
    t.is(anonymous.status, 401);
    t.is(anonymous.body.error, 'invalid_client');
    const wrongSecret = await introspect(accessToken, { clientId: api.clientId, secret: 'wrong' });
    t.is(wrongSecret.status, 401);
    t.is(wrongSecret.body.error, 'invalid_client');
  });

  test('a public client cannot introspect, not even its own tokens', async (t) => {
    const { accessToken, refreshToken } = await loginAs();
    for (const token of [accessToken, refreshToken]) {
      const { status, body } = await postForm(`${server.url}/token/introspection`, { token, client_id: 'demo-cli' });
      t.is(status, 401);
      t.is(body.error, 'invalid_client');
    }
  });

  test('a resource server introspects a device-flow JWT access token: active, with its claims', async (t) => {
    const { account, accessToken } = await loginAs();
    const { status, body } = await introspect(accessToken);
    t.is(status, 200);
    t.true(body.active);
    t.is(body.sub, account.id);
    t.is(body.client_id, 'demo-cli');
    t.is(body.aud, 'urn:tollgate:demo');
    t.is(body.iss, server.url);
    t.is(body.scope, 'demo:read demo:write');
    t.is(body.token_type, 'Bearer');
    t.deepEqual(body.max_priority, { default: 4 });
    t.is(body.exp, decodeJwt(accessToken).exp);
  });

  test('a client-credentials JWT introspects active for its own client and for a resource server of its audience', async (t) => {
    const { body: issued } = await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
    const token = issued.access_token as string;
    const byOwner = await introspect(token, { clientId: 'demo', secret: demoSecret });
    t.true(byOwner.body.active);
    t.is(byOwner.body.sub, 'demo');
    t.deepEqual(byOwner.body.max_priority, { default: 5 });
    t.true((await introspect(token)).body.active);
  });

  test('a client allowed neither the token nor its audience learns only active: false', async (t) => {
    const outsider = await createTestClient(server, { grantTypes: ['client_credentials'], resources: [], scopes: [] });
    const { accessToken, refreshToken } = await loginAs();
    for (const token of [accessToken, refreshToken]) {
      const { status, body } = await introspect(token, { clientId: outsider.clientId, secret: outsider.secret as string });
      t.is(status, 200);
      t.deepEqual(body, { active: false });
    }
  });

  test('a confidential device client introspects its own refresh token; a resource server may not', async (t) => {
    const device = await createTestClient(server, { name: 'Confidential CLI' });
    const credentials = { clientId: device.clientId, secret: device.secret as string };
    const { account, refreshToken } = await loginAs(credentials);
    const own = await introspect(refreshToken, credentials, { token_type_hint: 'refresh_token' });
    t.true(own.body.active);
    t.is(own.body.client_id, device.clientId);
    t.is(own.body.sub, account.id);
    t.is(own.body.scope, 'demo:read demo:write');
    t.is(typeof own.body.exp, 'number');
    t.deepEqual((await introspect(refreshToken)).body, { active: false });
  });

  test('a JWT access token introspects inactive once its account is disabled, or deleted', async (t) => {
    const disabled = await loginAs();
    const deleted = await loginAs();
    const record = await server.tollgate.accounts.get(disabled.account.id);
    await server.tollgate.accounts.save({ ...record!, disabled: true });
    await server.tollgate.accounts.delete(deleted.account.id);
    t.deepEqual((await introspect(disabled.accessToken)).body, { active: false });
    t.deepEqual((await introspect(deleted.accessToken)).body, { active: false });
  });

  test('a JWT access token introspects inactive once its grant is revoked by refresh-token reuse', async (t) => {
    const { accessToken, refreshToken } = await loginAs();
    const rotated = await refresh(refreshToken);
    t.is(rotated.status, 200);
    t.is((await refresh(rotated.body.refresh_token as string)).status, 200, 'the successor is used');
    t.is((await refresh(refreshToken)).body.error, 'invalid_grant');
    t.deepEqual((await introspect(accessToken)).body, { active: false });
  });

  test('a disabled client’s tokens introspect inactive and its refresh tokens stop working', async (t) => {
    const device = await createTestClient(server, {
      authMethod: 'none',
      grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token', 'client_credentials'],
    });
    const { accessToken, refreshToken } = await loginAs({ clientId: device.clientId });
    const record = await server.tollgate.clients.get(device.clientId);
    await server.tollgate.clients.save({ ...record!, disabled: true });
    t.deepEqual((await introspect(accessToken)).body, { active: false });
    const refreshed = await refresh(refreshToken, device.clientId);
    t.is(refreshed.status, 401);
    t.is(refreshed.body.error, 'invalid_client');
  });

  test('a forged, tampered or expired JWT introspects inactive', async (t) => {
    const { accessToken } = await loginAs();
    const [header, , signature] = accessToken.split('.') as [string, string, string];
    const claims = decodeJwt(accessToken);
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, max_priority: { default: 99 } })).toString('base64url')}.${signature}`;
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: decodeProtectedHeader(accessToken).kid })
      .sign(privateKey);
    for (const token of [tampered, forged]) t.deepEqual((await introspect(token)).body, { active: false });

    const now = new Date().toISOString();
    await server.tollgate.resources.create({
      identifier: 'urn:test:short-lived',
      name: 'Short',
      scopes: [],
      accessTokenTtl: 4,
      signingAlg: 'ES256',
      createdAt: now,
      updatedAt: now,
    });
    const shortClient = await createTestClient(server, {
      grantTypes: ['client_credentials'],
      resources: ['urn:test:short-lived'],
      defaultResource: 'urn:test:short-lived',
      scopes: [],
    });
    const issued = await postForm(
      `${server.url}/token`,
      { grant_type: 'client_credentials' },
      { authorization: basicAuth(shortClient.clientId, shortClient.secret as string) },
    );
    t.is(issued.status, 200);
    const short = { clientId: shortClient.clientId, secret: shortClient.secret as string };
    t.true((await introspect(issued.body.access_token as string, short)).body.active);
    // A 4 s lifetime leaves a loaded CI machine time to see the token active first.
    await sleep(5_100);
    t.deepEqual((await introspect(issued.body.access_token as string, short)).body, { active: false });
  });

  test('introspection of a refresh token after logout is inactive', async (t) => {
    const device = await createTestClient(server);
    const credentials = { clientId: device.clientId, secret: device.secret as string };
    const { refreshToken } = await loginAs(credentials);
    const logout = await revoke({ token: refreshToken }, { authorization: basicAuth(credentials.clientId, credentials.secret) });
    t.is(logout.status, 200);
    t.deepEqual((await introspect(refreshToken, credentials)).body, { active: false });
  });

  test('a JWT access token cannot be revoked on its own: unsupported_token_type (RFC 7009 §2.2.1)', async (t) => {
    const { accessToken } = await loginAs();
    const { status, body } = await revoke({ token: accessToken, client_id: 'demo-cli' });
    t.is(status, 400);
    t.is(body.error, 'unsupported_token_type');
  });
}
