import { request } from 'node:http';
import test from 'ava';

import { captureLog } from '../helpers/capture-log.ts';
import { serverPerFile } from '../helpers/server-per-file.ts';
import { startTestServer } from '../helpers/start-server.ts';

// Issue 21 item 4: requests a client can send that used to be answered 500, with a stack in the log.
const log = captureLog('info');
const shared = serverPerFile(() => startTestServer({ logger: log.logger }));

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request as sent, with the Host header given verbatim (fetch would refuse or rewrite it). */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawResponse> {
  const { port } = new URL(shared.server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, setHost: !('host' in headers) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const errorLines = () => log.lines(/./).filter((line) => Number(line.level) >= 50);

test.serial('GET and HEAD on /device/auth, in any case, answer the sign-in expired page instead of a 500', async (t) => {
  for (const [method, path] of [
    ['GET', '/device/auth'],
    ['HEAD', '/device/auth'],
    ['GET', '/DEVICE/AUTH/'],
  ] as const) {
    const response = await raw(method, path, { accept: 'text/html' });
    t.is(response.status, 400, `${method} ${path}`);
    t.regex(String(response.headers['content-type']), /^text\/html/, `${method} ${path}`);
    t.is(response.headers['x-frame-options'], 'DENY', `${method} ${path}: the page headers`);
    t.is(response.headers['cache-control'], 'no-store', `${method} ${path}`);
    if (method === 'GET') t.regex(response.body, /This sign-in has expired/, `${method} ${path}`);
  }
  t.deepEqual(errorLines(), []);
});

test.serial('POST /device/auth is still the device authorization endpoint', async (t) => {
  const response = await raw('POST', '/device/auth', { 'content-type': 'application/x-www-form-urlencoded' }, 'client_id=nobody');
  t.is(response.status, 401);
  t.is((JSON.parse(response.body) as { error: string }).error, 'invalid_client');
});

const malformedHosts = ['%%', 'a b', '[::1', 'x:99999'];

test.serial('a malformed Host header gets 400 invalid_request on the device pages, /device/auth, discovery and the token endpoint', async (t) => {
  const requests = [
    ['GET', '/device'],
    ['POST', '/device'],
    ['GET', '/device/auth'],
    ['POST', '/device/auth'],
    ['GET', '/.well-known/openid-configuration'],
    ['GET', '/.well-known/oauth-authorization-server'],
    ['POST', '/token'],
  ] as const;
  for (const host of malformedHosts) {
    for (const [method, path] of requests) {
      const body = method === 'POST' ? 'client_id=demo-cli&grant_type=client_credentials' : undefined;
      const response = await raw(method, path, { host, 'content-type': 'application/x-www-form-urlencoded' }, body);
      t.is(response.status, 400, `${host} ${method} ${path}`);
      t.deepEqual(
        JSON.parse(response.body),
        { error: 'invalid_request', error_description: 'the Host header is not a valid host' },
        `${host} ${method} ${path}`,
      );
    }
  }
  t.deepEqual(errorLines(), []);
});

test.serial('a browser sending a malformed Host header to the code page gets an HTML 400 page', async (t) => {
  const response = await raw('GET', '/device', { host: 'a b', accept: 'text/html' });
  t.is(response.status, 400);
  t.regex(String(response.headers['content-type']), /^text\/html/);
  t.is(response.headers['x-frame-options'], 'DENY');
  t.regex(response.body, /Request not accepted/);
  t.deepEqual(errorLines(), []);
});

test.serial('a well-formed Host header, with a port or as an IPv6 literal, is served', async (t) => {
  for (const host of ['tollgate.example:8443', '[::1]:80', 'localhost']) {
    const response = await raw('GET', '/.well-known/openid-configuration', { host });
    t.is(response.status, 200, host);
  }
});
