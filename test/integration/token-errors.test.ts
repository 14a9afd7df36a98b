import { once } from 'node:events';
import { connect } from 'node:net';
import test, { type ExecutionContext } from 'ava';

import { hashClientSecret } from '../../src/clients/client-secret.ts';
import { grantTypes, type ClientRecord } from '../../src/clients/client-record.ts';
import { demoResource } from '../../src/demo/demo-principals.ts';
import type { RunningServer } from '../../src/server.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { basicAuth, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';

// Every refusal of POST /token that RFC 6749 §5.2 names, on Redis, through the real server.
let redis: TestRedis;
let server: RunningServer;
const otherSecret = 'token-errors-test-secret-0123456789';

function client(clientId: string, changes: Partial<ClientRecord>): ClientRecord {
  const now = new Date().toISOString();
  return {
    clientId,
    name: clientId,
    description: 'token-errors test client',
    grantTypes: [grantTypes.clientCredentials],
    authMethod: 'client_secret_basic',
    secrets: [{ hash: hashClientSecret(otherSecret, undefined) }],
    scopes: ['demo:read', 'demo:write'],
    resources: [demoResource],
    defaultResource: demoResource,
    disabled: false,
    createdAt: now,
    updatedAt: now,
    ...changes,
  };
}

test.before(async () => {
  redis = await startRedis();
  server = await startTestServer({ redisUrl: redis.url });
  const { clients, resources } = server.tollgate;
  await clients.create(client('disabled-service', { disabled: true }));
  await clients.create(client('read-only-service', { scopes: ['demo:read'] }));
  await clients.create(client('no-default-service', { defaultResource: undefined }));
  const now = new Date().toISOString();
  await resources.create({ identifier: 'urn:tollgate:other', name: 'Other API', scopes: ['other:read'], signingAlg: 'ES256', createdAt: now, updatedAt: now });
});

test.after.always(async () => {
  await server?.stop();
  await redis?.stop();
});

const tokenUrl = () => `${server.url}/token`;
const demo = { authorization: basicAuth('demo', demoSecret) };
const form = 'application/x-www-form-urlencoded';

type Reply = { status: number; headers: Headers; body: Record<string, unknown> };

async function send(body: NonNullable<RequestInit['body']>, headers: Record<string, string>): Promise<Reply> {
  const response = await fetch(tokenUrl(), { method: 'POST', headers, body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as Record<string, unknown> };
}

/** The RFC 6749 §5.2 shape: JSON, the code, a description, nothing else (no stack, no internals). */
function assertError(t: ExecutionContext, reply: Reply, status: number, error: string) {
  t.is(reply.status, status);
  t.is(reply.body.error, error);
  t.regex(reply.headers.get('content-type') ?? '', /^application\/json/);
  t.is(reply.headers.get('cache-control'), 'no-store');
  for (const key of Object.keys(reply.body)) t.true(['error', 'error_description', 'scope'].includes(key), `unexpected member ${key}`);
  const text = JSON.stringify(reply.body);
  t.notRegex(text, /\bat \S+ \(|\.[jt]s:\d+|node_modules|Error:/, 'no stack trace or internals in the body');
}

test('an unknown client is invalid_client with 401 and WWW-Authenticate', async (t) => {
  const reply = await postForm(tokenUrl(), { grant_type: 'client_credentials' }, { authorization: basicAuth('no-such-client', otherSecret) });
  assertError(t, reply, 401, 'invalid_client');
  t.regex(reply.headers.get('www-authenticate') ?? '', /^Basic realm=/);
});

test('an unknown client authenticating in the body is invalid_client with 401', async (t) => {
  const reply = await postForm(tokenUrl(), { grant_type: 'client_credentials', client_id: 'no-such-client', client_secret: otherSecret });
  assertError(t, reply, 401, 'invalid_client');
});

test('a wrong secret is invalid_client with 401 and WWW-Authenticate', async (t) => {
  const reply = await postForm(tokenUrl(), { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', 'not-the-demo-secret') });
  assertError(t, reply, 401, 'invalid_client');
  t.regex(reply.headers.get('www-authenticate') ?? '', /^Basic realm=.*error="invalid_client"/);
});

test('a wrong secret in the body is invalid_client with 401', async (t) => {
  const reply = await postForm(tokenUrl(), { grant_type: 'client_credentials', client_id: 'demo', client_secret: 'not-the-demo-secret' });
  assertError(t, reply, 401, 'invalid_client');
});

test('a disabled client with its right secret is invalid_client', async (t) => {
  const reply = await postForm(tokenUrl(), { grant_type: 'client_credentials' }, { authorization: basicAuth('disabled-service', otherSecret) });
  assertError(t, reply, 401, 'invalid_client');
});

test('an unknown resource is invalid_target', async (t) => {
  assertError(t, await postForm(tokenUrl(), { grant_type: 'client_credentials', resource: 'urn:no-such-api' }, demo), 400, 'invalid_target');
});

test('a resource the client is not allowed is invalid_target', async (t) => {
  assertError(t, await postForm(tokenUrl(), { grant_type: 'client_credentials', resource: 'urn:tollgate:other' }, demo), 400, 'invalid_target');
});

test('naming no resource, for a client without a default one, is invalid_target rather than an opaque token', async (t) => {
  const reply = await postForm(tokenUrl(), { grant_type: 'client_credentials' }, { authorization: basicAuth('no-default-service', otherSecret) });
  assertError(t, reply, 400, 'invalid_target');
  const named = await postForm(
    tokenUrl(),
    { grant_type: 'client_credentials', resource: demoResource },
    { authorization: basicAuth('no-default-service', otherSecret) },
  );
  t.is(named.status, 200);
  t.is(String(named.body.access_token).split('.').length, 3, 'a JWT');
});

test('an unknown audience is invalid_target like an unknown resource', async (t) => {
  assertError(t, await postForm(tokenUrl(), { grant_type: 'client_credentials', audience: 'urn:no-such-api' }, demo), 400, 'invalid_target');
});

test('an unknown scope is invalid_scope', async (t) => {
  assertError(t, await postForm(tokenUrl(), { grant_type: 'client_credentials', scope: 'demo:admin' }, demo), 400, 'invalid_scope');
});

test('a scope of the resource the client may not ask for is invalid_scope', async (t) => {
  const reply = await postForm(
    tokenUrl(),
    { grant_type: 'client_credentials', scope: 'demo:read demo:write' },
    { authorization: basicAuth('read-only-service', otherSecret) },
  );
  assertError(t, reply, 400, 'invalid_scope');
});

test('an unsupported grant type is unsupported_grant_type', async (t) => {
  assertError(t, await postForm(tokenUrl(), { grant_type: 'password', username: 'demo', password: 'x' }, demo), 400, 'unsupported_grant_type');
  assertError(t, await postForm(tokenUrl(), { grant_type: 'urn:example:made-up' }, demo), 400, 'unsupported_grant_type');
});

test('a grant the client is not registered for is unauthorized_client', async (t) => {
  assertError(t, await postForm(tokenUrl(), { grant_type: 'refresh_token', refresh_token: 'x' }, demo), 400, 'unauthorized_client');
  assertError(t, await postForm(tokenUrl(), { grant_type: grantTypes.deviceCode, device_code: 'x' }, demo), 400, 'unauthorized_client');
});

test('a missing grant_type is invalid_request', async (t) => {
  assertError(t, await postForm(tokenUrl(), { scope: 'demo:read' }, demo), 400, 'invalid_request');
});

test('a body that is not application/x-www-form-urlencoded is invalid_request', async (t) => {
  assertError(t, await send(JSON.stringify({ grant_type: 'client_credentials' }), { ...demo, 'content-type': 'application/json' }), 400, 'invalid_request');
  assertError(t, await send('grant_type=client_credentials', { ...demo, 'content-type': 'text/plain' }), 400, 'invalid_request');
});

test('a malformed body is invalid_request', async (t) => {
  // JSON under the form content type parses to one meaningless parameter: grant_type is missing.
  assertError(t, await send('{"grant_type":"client_credentials"}', { ...demo, 'content-type': form }), 400, 'invalid_request');
  // Bytes that are neither form encoding nor UTF-8.
  assertError(t, await send(new Uint8Array([0, 0xff, 0xfe, 0x3d, 0x26, 0x80, 0xc3, 0x28]), { ...demo, 'content-type': form }), 400, 'invalid_request');
  // Separators and nothing else.
  assertError(t, await send('&&==&=', { ...demo, 'content-type': form }), 400, 'invalid_request');
});

test('a body cut short of its content-length gets 400 and the server keeps serving', async (t) => {
  const { port } = new URL(server.url);
  const socket = connect(Number(port), '127.0.0.1');
  let reply = '';
  socket.on('data', (chunk: Buffer) => (reply += chunk.toString()));
  socket.end(
    `POST /token HTTP/1.1\r\nHost: localhost\r\nAuthorization: ${demo.authorization}\r\n` +
      `Content-Type: ${form}\r\nContent-Length: 200\r\n\r\ngrant_type=client_credentials`,
  );
  await once(socket, 'close');
  // Node's HTTP parser answers before any handler runs: a bare 400, no body at all.
  t.regex(reply, /^HTTP\/1\.1 400 /);
  t.notRegex(reply, /\bat \S+ \(/);
  t.is((await postForm(tokenUrl(), { grant_type: 'client_credentials' }, demo)).status, 200);
});

test('a body over 56 KiB is invalid_request, with or without a content-length', async (t) => {
  const oversized = `grant_type=client_credentials&scope=${'a'.repeat(57 * 1024)}`;
  assertError(t, await send(oversized, { ...demo, 'content-type': form }), 400, 'invalid_request');
  const chunked = new ReadableStream({
    start(controller) {
      for (let sent = 0; sent < 60 * 1024; sent += 4096)
        controller.enqueue(new TextEncoder().encode(sent === 0 ? 'grant_type=client_credentials&scope=' : 'a'.repeat(4096)));
      controller.close();
    },
  });
  assertError(t, await send(chunked, { ...demo, 'content-type': form }), 400, 'invalid_request');
});

test('a parameter given twice is invalid_request', async (t) => {
  assertError(t, await send('grant_type=client_credentials&grant_type=client_credentials', { ...demo, 'content-type': form }), 400, 'invalid_request');
  assertError(t, await send('grant_type=client_credentials&scope=demo:read&scope=demo:write', { ...demo, 'content-type': form }), 400, 'invalid_request');
});

test('client authentication in both the header and the body is invalid_request', async (t) => {
  assertError(t, await postForm(tokenUrl(), { grant_type: 'client_credentials', client_id: 'demo', client_secret: demoSecret }, demo), 400, 'invalid_request');
});
