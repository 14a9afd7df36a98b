import test from 'ava';
import * as client from 'openid-client';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { cliUserAgent } from '../../../src/cli/cli-version.ts';
import { pollForTokens, reconnect, withIdentityScopes, type DeviceAuthorization } from '../../../src/cli/user/oauth-client.ts';

/** A token endpoint that plays back the given answers, one per poll (RFC 8628 §3.5); 'reset' drops the connection. */
async function tokenEndpoint(answers: Array<Record<string, unknown> | 'reset'>) {
  const requests: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    const answer = answers[Math.min(requests.length, answers.length - 1)] as Record<string, unknown> | 'reset';
    requests.push(req.headers);
    if (answer === 'reset') req.socket.destroy();
    else res.writeHead('access_token' in answer ? 200 : 400, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, requests, config: reconnect({ issuer: base, token_endpoint: `${base}/token` }, 'cli') };
}

const authorization = (interval: number): DeviceAuthorization => ({
  device_code: 'dc',
  user_code: 'ABCD-EFGH',
  verification_uri: 'http://x/device',
  expires_in: 600,
  interval,
});

test('polling goes on through authorization_pending, returns the tokens, and names the CLI in User-Agent', async (t) => {
  const endpoint = await tokenEndpoint([{ error: 'authorization_pending' }, { error: 'authorization_pending' }, { access_token: 'at', token_type: 'Bearer' }]);
  t.teardown(() => endpoint.server.close());
  const tokens = await pollForTokens(endpoint.config, authorization(0));
  t.is(tokens.access_token, 'at');
  t.is(endpoint.requests.length, 3);
  t.regex(cliUserAgent, /^tollgate-cli\/\d+\.\d+\.\d+ \(\w+; \w+\)$/);
  t.true(endpoint.requests.every((headers) => headers['user-agent'] === cliUserAgent));
});

test('a denied login and an expired code end polling with unauthorized', async (t) => {
  for (const error of ['access_denied', 'expired_token']) {
    const endpoint = await tokenEndpoint([{ error }]);
    await t.throwsAsync(pollForTokens(endpoint.config, authorization(0)), { code: 'unauthorized' });
    endpoint.server.close();
  }
});

test('a token endpoint that cannot be reached makes polling try again instead of failing', async (t) => {
  const endpoint = await tokenEndpoint(['reset', { access_token: 'at', token_type: 'Bearer' }]);
  t.teardown(() => endpoint.server.close());
  const tokens = await pollForTokens(endpoint.config, authorization(1));
  t.is(tokens.access_token, 'at');
  t.is(endpoint.requests.length, 2);
});

test('openid profile is added to the scopes asked for only when the server offers both', (t) => {
  const server = (scopes: string[]) => new client.Configuration({ issuer: 'http://127.0.0.1', scopes_supported: scopes }, 'cli');
  const current = server(['openid', 'offline_access', 'profile']);
  t.is(withIdentityScopes(current, undefined), 'openid profile');
  t.is(withIdentityScopes(current, 'demo:read openid'), 'demo:read openid profile');
  const older = server(['openid', 'offline_access']);
  t.is(withIdentityScopes(older, undefined), undefined, 'no scope: the server gives every scope the client holds');
  t.is(withIdentityScopes(older, 'demo:read'), 'demo:read');
});
