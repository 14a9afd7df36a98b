import test from 'ava';

import type { RunningServer } from '../../src/server.ts';
import { startTestServer } from '../helpers/start-server.ts';

let server: RunningServer;

test.before(async () => {
  server = await startTestServer({ env: { TOLLGATE_RATE_LIMIT_USER_CODE_PER_IP: '2', TOLLGATE_RATE_LIMIT_WINDOW: '120' } });
});

test.after.always(() => server?.stop());

test('POST /DEVICE guesses are counted by the user-code limit (RFC 8628 §5.1)', async (t) => {
  const statuses: number[] = [];
  for (const path of ['/DEVICE', '/Device/', '/device']) {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'user_code=BBBB-BBBB',
    });
    await response.text();
    statuses.push(response.status);
  }
  t.is(statuses[2], 429, `statuses ${statuses.join(' ')}`);
});

test('GET /DEVICE/ is served with the device pages security headers', async (t) => {
  for (const path of ['/DEVICE/', '/Device', '/device/SOME-UID']) {
    const response = await fetch(`${server.url}${path}`);
    await response.text();
    t.regex(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, path);
    t.is(response.headers.get('x-frame-options'), 'DENY', path);
  }
});

test('GET /DEVICE?user_code= prefills the code form instead of the self-submitting one', async (t) => {
  const response = await fetch(`${server.url}/DEVICE?user_code=BCDF-GHJK`);
  const text = await response.text();
  t.is(response.status, 200);
  t.regex(text, /value="BCDF-GHJK"/);
  t.notRegex(text, /<script/);
});

test('the latency histogram labels /TOKEN/ as the token route', async (t) => {
  const response = await fetch(`${server.url}/TOKEN/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  await response.text();
  const text = await server.tollgate.metrics.registry.metrics();
  t.regex(text, /tollgate_http_request_duration_seconds_count\{route="token"\} [1-9]/);
});
