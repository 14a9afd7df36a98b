import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';

import { createTokenExchanger } from '../../packages/client/src/token-exchanger.ts';

/** A token endpoint on loopback that issues numbered tokens and remembers the forms it got. */
async function startTokenEndpoint(): Promise<{ url: string; forms: URLSearchParams[]; server: Server }> {
  const forms: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      forms.push(new URLSearchParams(body));
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          access_token: `token-${forms.length}`,
          token_type: 'Bearer',
          expires_in: 300,
          issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        }),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`, forms, server };
}

test('sends an RFC 8693 request and keeps at most maxCachedTokens pairs, dropping the oldest', async (t) => {
  const endpoint = await startTokenEndpoint();
  t.teardown(() => endpoint.server.close());
  const exchanger = createTokenExchanger({ tokenEndpoint: endpoint.url, clientId: 'gateway', clientSecret: 'gateway-secret', maxCachedTokens: 2 });

  t.is(await exchanger.exchange('subject-a', { resource: 'urn:b', scope: ['read', 'write'] }), 'token-1');
  const form = endpoint.forms[0] as URLSearchParams;
  t.is(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:token-exchange');
  t.is(form.get('subject_token'), 'subject-a');
  t.is(form.get('subject_token_type'), 'urn:ietf:params:oauth:token-type:access_token');
  t.is(form.get('resource'), 'urn:b');
  t.is(form.get('scope'), 'read write');

  await exchanger.exchange('subject-b', { resource: 'urn:b' });
  t.is(await exchanger.exchange('subject-a', { resource: 'urn:b', scope: 'read write' }), 'token-1', 'the same pair, however the scope is written');
  await exchanger.exchange('subject-c', { resource: 'urn:b' });
  t.is(endpoint.forms.length, 3);
  // subject-a was the oldest entry: with room for two it was dropped for subject-c.
  t.is(await exchanger.exchange('subject-a', { resource: 'urn:b', scope: 'read write' }), 'token-4');
  t.is(await exchanger.exchange('subject-c', { resource: 'urn:b' }), 'token-3');
});

test('a different target is a different token', async (t) => {
  const endpoint = await startTokenEndpoint();
  t.teardown(() => endpoint.server.close());
  const exchanger = createTokenExchanger({ tokenEndpoint: endpoint.url, clientId: 'gateway', clientSecret: 'gateway-secret' });
  t.not(await exchanger.exchange('subject', { resource: 'urn:b' }), await exchanger.exchange('subject', { resource: 'urn:c' }));
});

test('options and arguments are checked', async (t) => {
  t.throws(() => createTokenExchanger({ tokenEndpoint: 'http://127.0.0.1:1/token', clientId: 'g', clientSecret: 's', maxCachedTokens: 0 }), {
    instanceOf: TypeError,
  });
  t.throws(() => createTokenExchanger({ clientId: 'g', clientSecret: 's' }), { instanceOf: TypeError });
  const exchanger = createTokenExchanger({ tokenEndpoint: 'http://127.0.0.1:1/token', clientId: 'g', clientSecret: 's' });
  await t.throwsAsync(exchanger.exchange(''), { instanceOf: TypeError });
});

test('the subject token never shows in an error, even when the server echoes it', async (t) => {
  const server = createServer((_req, res) => {
    res.statusCode = 400;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'bad subject_token the-persons-token' }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const exchanger = createTokenExchanger({
    tokenEndpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
    clientId: 'gateway',
    clientSecret: 'gateway-secret',
  });
  const error = await t.throwsAsync(exchanger.exchange('the-persons-token'), { message: /invalid_grant/ });
  t.false(error?.message.includes('the-persons-token'));
});
