import test from 'ava';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { AppError } from '../../../src/errors.ts';
import { pollForTokens, type DeviceAuthorization } from '../../../src/cli/user/oauth-client.ts';

/** A token endpoint that plays back the given answers, one per poll (RFC 8628 §3.5). */
async function tokenEndpoint(answers: Array<Record<string, unknown>>): Promise<{ server: Server; url: string; polls: () => number }> {
  let polls = 0;
  const server = createServer((_req, res) => {
    const answer = answers[Math.min(polls, answers.length - 1)] as Record<string, unknown>;
    polls += 1;
    res.writeHead('access_token' in answer ? 200 : 400, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`, polls: () => polls };
}

const authorization: DeviceAuthorization = { device_code: 'dc', user_code: 'ABCD-EFGH', verification_uri: 'http://x/device', expires_in: 600, interval: 2 };

test('polling waits the interval, adds 5 seconds at every slow_down, and returns the tokens', async (t) => {
  const endpoint = await tokenEndpoint([
    { error: 'authorization_pending' },
    { error: 'slow_down' },
    { error: 'authorization_pending' },
    { error: 'slow_down' },
    { access_token: 'at', token_type: 'Bearer' },
  ]);
  t.teardown(() => endpoint.server.close());
  const waits: number[] = [];
  const tokens = await pollForTokens({ issuer: 'http://x', token_endpoint: endpoint.url }, 'cli', authorization, async (ms) => {
    waits.push(ms);
  });
  t.is(tokens.access_token, 'at');
  t.deepEqual(waits, [2000, 2000, 7000, 7000, 12000]);
});

test('a denied login and an expired code end polling with unauthorized', async (t) => {
  for (const error of ['access_denied', 'expired_token']) {
    const endpoint = await tokenEndpoint([{ error }]);
    const failure = await t.throwsAsync(pollForTokens({ issuer: 'http://x', token_endpoint: endpoint.url }, 'cli', authorization, async () => {}), { instanceOf: AppError });
    t.is((failure as AppError).code, 'unauthorized');
    endpoint.server.close();
  }
});

test('an unreachable token endpoint makes polling back off instead of failing', async (t) => {
  const endpoint = await tokenEndpoint([{ access_token: 'at', token_type: 'Bearer' }]);
  t.teardown(() => endpoint.server.close());
  // Port 1 refuses connections; after the first failed poll the endpoint comes back.
  const metadata = { issuer: 'http://x', token_endpoint: 'http://127.0.0.1:1/token' };
  const waits: number[] = [];
  const tokens = await pollForTokens(metadata, 'cli', authorization, async (ms) => {
    waits.push(ms);
    if (waits.length === 2) metadata.token_endpoint = endpoint.url;
  });
  t.is(tokens.access_token, 'at');
  t.deepEqual(waits, [2000, 4000], 'the interval doubled after the connection failed');
});
