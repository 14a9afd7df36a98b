import test from 'ava';

import { captureLog } from '../helpers/capture-log.ts';
import { basicAuth, postForm, startTestServer } from '../helpers/start-server.ts';

// oidc-provider's events (grant.error, server_error) log with the request id of the context
// they are given; that is the one context of the request, where the request log put the id.
test('a refused token request is logged with the request id the response carries', async (t) => {
  const log = captureLog('info');
  const server = await startTestServer({ logger: log.logger });
  t.teardown(() => server.stop());

  const response = await fetch(`${server.url}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-request-id': 'refused-request-1',
      authorization: basicAuth('demo', 'not-the-secret-0123456789abcdef0123'),
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  t.is(response.status, 401);
  t.is(response.headers.get('x-request-id'), 'refused-request-1');

  const refused = log.lines(/^token request refused$/);
  t.is(refused.length, 1);
  t.is(refused[0]?.reqId, 'refused-request-1');
  t.is(refused[0]?.error, 'invalid_client');
});

test('an accepted token request gets a generated request id when it sends none', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.stop());
  const { status, headers } = await postForm(
    `${server.url}/token`,
    { grant_type: 'client_credentials' },
    { authorization: basicAuth('demo', server.tollgate.demo?.clientSecret ?? '') },
  );
  t.is(status, 200);
  t.regex(headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
});
