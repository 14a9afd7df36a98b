import test from 'ava';
import type { KoaContextWithOIDC } from 'oidc-provider';

import { createMetrics } from '../../src/metrics/metrics.ts';
import { createProtocolOutcomes } from '../../src/provider/protocol-outcomes.ts';
import { captureLog } from '../helpers/capture-log.ts';

/** An answer as the client receives it, once every rewrite has run. */
function answer(route: string, status: number, body: unknown) {
  return {
    oidc: { route, client: { clientId: 'cli' } },
    status,
    body,
    state: { requestId: 'req-1' },
    res: { getHeader: () => undefined },
  } as unknown as KoaContextWithOIDC;
}

/** Records answers as the pipeline's protocolOutcomes step does, into a fresh registry and a log at `level`. */
function recorder(level?: string) {
  const log = captureLog(level);
  const metrics = createMetrics();
  return { log, metrics, record: createProtocolOutcomes({ logger: log.logger, metrics }) };
}

async function counted(metrics: ReturnType<typeof createMetrics>, name: string) {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((entry) => entry.name === name);
  return Object.fromEntries((metric?.values ?? []).map((value) => [String(value.labels.error), value.value]));
}

test('a refused token request is counted by its error code and logged with the request and client', async (t) => {
  const { log, metrics, record } = recorder('debug');
  record(answer('token', 400, { error: 'invalid_grant' }));
  record(answer('token', 400, { error: 'invalid_grant' }));
  record(answer('token', 401, { error: 'invalid_client' }));
  t.deepEqual(await counted(metrics, 'tollgate_token_errors_total'), { invalid_grant: 2, invalid_client: 1 });
  const [line] = log.lines(/token request refused/);
  t.like(line, { level: 30, reqId: 'req-1', clientId: 'cli', error: 'invalid_grant' });
});

test('a refused device authorization is counted apart from token errors', async (t) => {
  const { log, metrics, record } = recorder();
  record(answer('device_authorization', 400, { error: 'invalid_scope' }));
  t.deepEqual(await counted(metrics, 'tollgate_device_authorization_errors_total'), { invalid_scope: 1 });
  t.deepEqual(await counted(metrics, 'tollgate_token_errors_total'), {});
  t.is(log.lines(/device authorization refused/).length, 1);
});

test('a device polling while its person signs in is counted but logged at debug only', async (t) => {
  const { log, metrics, record } = recorder('info');
  record(answer('token', 400, { error: 'authorization_pending' }));
  record(answer('token', 400, { error: 'slow_down' }));
  t.deepEqual(await counted(metrics, 'tollgate_token_errors_total'), { authorization_pending: 1, slow_down: 1 });
  t.is(log.text(), '');
});

test('successes, other routes and answers without an error code are not outcomes', async (t) => {
  const { log, metrics, record } = recorder('debug');
  record(answer('token', 200, { access_token: 'x', error: 'not-an-error' }));
  record(answer('introspection', 401, { error: 'invalid_client' }));
  record(answer('token', 500, 'Internal Server Error'));
  record({ status: 404, body: { error: 'not_found' } } as unknown as KoaContextWithOIDC);
  t.deepEqual(await counted(metrics, 'tollgate_token_errors_total'), {});
  t.is(log.text(), '');
});
