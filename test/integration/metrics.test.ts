import test from 'ava';

import { parsePrometheusText, sampleValue, type Sample } from '../helpers/prometheus-text.ts';
import { serverOnRedisPerFile } from '../helpers/server-per-file.ts';
import { basicAuth, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';

const shared = serverOnRedisPerFile({ start: (redisUrl) => startTestServer({ redisUrl, env: { TOLLGATE_METRICS_PORT: '0' } }) });

const scrapeToken = 'scrape-token-0123456789abcdef';

async function scrape(url = shared.server.metricsUrl as string, headers: Record<string, string> = {}): Promise<Sample[]> {
  const response = await fetch(url, { headers });
  if (response.status !== 200) throw new Error(`scrape answered ${response.status}`);
  if (!(response.headers.get('content-type') ?? '').startsWith('text/plain')) throw new Error('not the text format');
  return parsePrometheusText(await response.text());
}

const issued = { grant_type: 'client_credentials', client_id: 'demo' };

test.serial('a token response increments tokens issued for its grant type and client', async (t) => {
  const before = sampleValue(await scrape(), 'tollgate_tokens_issued_total', issued);
  const { status } = await postForm(`${shared.server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
  t.is(status, 200);
  t.is(sampleValue(await scrape(), 'tollgate_tokens_issued_total', issued), before + 1);
});

test.serial('a refused token request increments token errors by its OAuth code', async (t) => {
  const before = await scrape();
  await postForm(`${shared.server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', 'wrong-secret-0123456789') });
  await postForm(`${shared.server.url}/token`, { grant_type: 'client_credentials', scope: 'demo:nope' }, { authorization: basicAuth('demo', demoSecret) });
  const after = await scrape();
  t.is(
    sampleValue(after, 'tollgate_token_errors_total', { error: 'invalid_client' }),
    sampleValue(before, 'tollgate_token_errors_total', { error: 'invalid_client' }) + 1,
  );
  t.is(
    sampleValue(after, 'tollgate_token_errors_total', { error: 'invalid_scope' }),
    sampleValue(before, 'tollgate_token_errors_total', { error: 'invalid_scope' }) + 1,
  );
  t.is(sampleValue(after, 'tollgate_tokens_issued_total', issued), sampleValue(before, 'tollgate_tokens_issued_total', issued));
});

test.serial('the exposition parses and has latency by route, storage latency and process metrics', async (t) => {
  await postForm(`${shared.server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
  await fetch(`${shared.server.url}/jwks`);
  const samples = await scrape();
  t.true(sampleValue(samples, 'tollgate_http_request_duration_seconds_count', { route: 'token' }) >= 1);
  t.true(sampleValue(samples, 'tollgate_http_request_duration_seconds_count', { route: 'jwks' }) >= 1);
  const tokenBuckets = samples.filter((sample) => sample.name === 'tollgate_http_request_duration_seconds_bucket' && sample.labels.route === 'token');
  t.true(tokenBuckets.length > 5);
  t.is(tokenBuckets.at(-1)?.labels.le, '+Inf');
  t.deepEqual(
    tokenBuckets.map((bucket) => bucket.value),
    tokenBuckets.map((bucket) => bucket.value).toSorted((a, b) => a - b),
    'cumulative buckets never decrease',
  );
  t.true(sampleValue(samples, 'tollgate_storage_operation_duration_seconds_count', { operation: 'get', target: 'collection:clients' }) >= 1);
  t.true(sampleValue(samples, 'process_cpu_user_seconds_total') > 0);
  t.true(sampleValue(samples, 'nodejs_heap_size_used_bytes') > 0);
});

test.serial('unknown paths share one route label, so clients cannot grow the series count', async (t) => {
  for (const path of ['/no/such/path', '/another/123', '/.well-known/nope']) await fetch(`${shared.server.url}${path}`);
  const samples = await scrape();
  t.true(sampleValue(samples, 'tollgate_http_request_duration_seconds_count', { route: 'other' }) >= 3);
  const routes = new Set(samples.filter((sample) => sample.name === 'tollgate_http_request_duration_seconds_count').map((sample) => sample.labels.route));
  for (const route of routes) t.regex(route ?? '', /^[a-z_]+$/);
});

test('with a metrics port, /metrics is not on the main port', async (t) => {
  const response = await fetch(`${shared.server.url}/metrics`);
  t.is(response.status, 404);
});

test('the metrics port answers nothing but /metrics', async (t) => {
  const response = await fetch((shared.server.metricsUrl as string).replace('/metrics', '/token'));
  t.is(response.status, 404);
});

test('with a scrape token and no metrics port, /metrics on the main port needs the token', async (t) => {
  const own = await startTestServer({ env: { TOLLGATE_METRICS_TOKEN: scrapeToken } });
  t.teardown(() => own.stop());
  t.is(own.metricsUrl, undefined);
  const refused = await fetch(`${own.url}/metrics`, { headers: { authorization: 'Bearer not-the-token-at-all' } });
  t.is(refused.status, 401);
  t.is(refused.headers.get('www-authenticate'), 'Bearer realm="metrics"');
  t.is((await fetch(`${own.url}/metrics`)).status, 401);
  const samples = await scrape(`${own.url}/metrics`, { authorization: `Bearer ${scrapeToken}` });
  t.true(samples.length > 0);
});

test('a scrape token guards the metrics port too', async (t) => {
  const own = await startTestServer({ env: { TOLLGATE_METRICS_PORT: '0', TOLLGATE_METRICS_TOKEN: scrapeToken } });
  t.teardown(() => own.stop());
  t.is((await fetch(own.metricsUrl as string)).status, 401);
  t.true((await scrape(own.metricsUrl, { authorization: `Bearer ${scrapeToken}` })).length > 0);
});

test('without a metrics port or token, metrics are not exposed', async (t) => {
  const own = await startTestServer();
  t.teardown(() => own.stop());
  t.is(own.metricsUrl, undefined);
  t.is((await fetch(`${own.url}/metrics`)).status, 404);
});
