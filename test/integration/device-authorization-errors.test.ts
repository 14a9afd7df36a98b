import test from 'ava';

import { captureLog } from '../helpers/capture-log.ts';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.ts';
import { serverPerFile } from '../helpers/server-per-file.ts';
import { basicAuth, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';

const log = captureLog('info');
const shared = serverPerFile(() => startTestServer({ logger: log.logger }));

test('a client not registered for the device grant gets unauthorized_client at /device/auth, and that is what is logged and counted', async (t) => {
  const { status, body } = await postForm(`${shared.server.url}/device/auth`, {}, { authorization: basicAuth('demo', demoSecret) });
  t.is(status, 400);
  t.is(body.error, 'unauthorized_client');

  const metrics = parsePrometheusText(await shared.server.tollgate.metrics.registry.metrics());
  t.is(sampleValue(metrics, 'tollgate_device_authorization_errors_total', { error: 'unauthorized_client' }), 1);
  t.is(sampleValue(metrics, 'tollgate_device_authorization_errors_total', { error: 'invalid_request' }), 0);
  const lines = log.lines(/device authorization refused/);
  t.is(lines.length, 1);
  t.is(lines[0]?.error, 'unauthorized_client');
  t.is(lines[0]?.clientId, 'demo');
  t.truthy(lines[0]?.reqId);
});

test('the token endpoint counts unauthorized_client, the code the client got, not invalid_request', async (t) => {
  const before = parsePrometheusText(await shared.server.tollgate.metrics.registry.metrics());
  const { body } = await postForm(
    `${shared.server.url}/token`,
    { grant_type: 'refresh_token', refresh_token: 'x' },
    { authorization: basicAuth('demo', demoSecret) },
  );
  t.is(body.error, 'unauthorized_client');
  const after = parsePrometheusText(await shared.server.tollgate.metrics.registry.metrics());
  t.is(
    sampleValue(after, 'tollgate_token_errors_total', { error: 'unauthorized_client' }),
    sampleValue(before, 'tollgate_token_errors_total', { error: 'unauthorized_client' }) + 1,
  );
  t.is(
    sampleValue(after, 'tollgate_token_errors_total', { error: 'invalid_request' }),
    sampleValue(before, 'tollgate_token_errors_total', { error: 'invalid_request' }),
  );
});
