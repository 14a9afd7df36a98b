import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';

import { freePort } from '../helpers/free-port.ts';
import { spawnTollgate } from '../helpers/spawn-tollgate.ts';
import { startRedis } from '../helpers/start-redis.ts';
import { basicAuth, demoSecret, postForm } from '../helpers/start-server.ts';

interface OtlpSpan {
  name: string;
  traceId: string;
  spanId: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}

interface OtlpExport {
  resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

/** A minimal OTLP/HTTP collector: keeps every JSON export request posted to /v1/traces. */
async function startReceiver(): Promise<{ server: Server; url: string; exports: OtlpExport[]; paths: string[] }> {
  const exports: OtlpExport[] = [];
  const paths: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      exports.push(JSON.parse(body) as OtlpExport);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, exports, paths };
}

const spansOf = (exports: OtlpExport[]) =>
  exports.flatMap((batch) => batch.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)));
const attribute = (span: OtlpSpan, key: string) => Object.values(span.attributes.find((entry) => entry.key === key)?.value ?? {})[0];

test('with OTEL_EXPORTER_OTLP_ENDPOINT a token request exports an HTTP server span and Redis command spans', async (t) => {
  const redis = await startRedis();
  const receiver = await startReceiver();
  t.teardown(async () => {
    receiver.server.close();
    await redis.stop();
  });
  const port = await freePort();
  const tollgate = spawnTollgate({
    PORT: String(port),
    REDIS_URL: redis.url,
    TOLLGATE_DEMO: 'true',
    TOLLGATE_DEMO_SECRET: demoSecret,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_SERVICE_NAME: 'tollgate-under-test',
  });
  t.teardown(() => tollgate.child.kill('SIGKILL'));
  const listening = await tollgate.waitForLog((line) => line.msg === 'tollgate listening');
  t.true(listening.tracing);

  const { status } = await postForm(`http://127.0.0.1:${port}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
  t.is(status, 200);
  // Shutdown exports what is still buffered.
  tollgate.child.kill('SIGTERM');
  t.is(await tollgate.exited, 0);

  t.true(
    receiver.paths.every((path) => path.startsWith('POST /v1/traces application/json')),
    receiver.paths.join('\n'),
  );
  const serviceNames = receiver.exports.flatMap((batch) =>
    batch.resourceSpans.map((resource) => resource.resource.attributes.find((entry) => entry.key === 'service.name')?.value.stringValue),
  );
  t.true(serviceNames.includes('tollgate-under-test'));
  const spans = spansOf(receiver.exports);
  const server = spans.find((span) => span.kind === 2 && attribute(span, 'url.path') === '/token');
  t.truthy(server, `no server span for /token among: ${spans.map((span) => span.name).join(', ')}`);
  t.is(attribute(server as OtlpSpan, 'http.response.status_code'), 200);
  const redisSpans = spans.filter((span) => attribute(span, 'db.system') === 'redis' || attribute(span, 'db.system.name') === 'redis');
  t.true(redisSpans.length > 0, `no Redis span among: ${spans.map((span) => span.name).join(', ')}`);
  // Only the command name: keys and values (token state) stay out of the trace.
  for (const span of redisSpans) {
    const statement = attribute(span, 'db.statement') ?? attribute(span, 'db.query.text');
    if (statement !== undefined) t.regex(String(statement), /^[a-z]+$/);
  }
});

test('without an OTLP endpoint no OpenTelemetry SDK, exporter or instrumentation is loaded', async (t) => {
  const port = await freePort();
  const tollgate = spawnTollgate({ PORT: String(port), TOLLGATE_DEMO: 'true', TOLLGATE_DEMO_SECRET: demoSecret, NODE_DEBUG: 'module' });
  t.teardown(() => tollgate.child.kill('SIGKILL'));
  const listening = await tollgate.waitForLog((line) => line.msg === 'tollgate listening');
  t.false(listening.tracing);
  tollgate.child.kill('SIGTERM');
  await tollgate.exited;
  // prom-client loads @opentelemetry/api (a no-op facade) when present, for exemplars.
  t.notRegex(tollgate.output(), /@opentelemetry\/(?!api\b)/);
});

test('server spans are named by route, and every log line of a traced request carries its trace_id and span_id', async (t) => {
  const receiver = await startReceiver();
  t.teardown(() => receiver.server.close());
  const port = await freePort();
  const tollgate = spawnTollgate({
    PORT: String(port),
    TOLLGATE_DEMO: 'true',
    TOLLGATE_DEMO_SECRET: demoSecret,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    TOLLGATE_LOG_LEVEL: 'debug',
  });
  t.teardown(() => tollgate.child.kill('SIGKILL'));
  await tollgate.waitForLog((line) => line.msg === 'tollgate listening');

  t.is((await postForm(`http://127.0.0.1:${port}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) })).status, 200);
  await fetch(`http://127.0.0.1:${port}/device/BCDF-GHJK`, { redirect: 'manual' });
  await fetch(`http://127.0.0.1:${port}/no-such-path-${'x'.repeat(8)}`);
  await tollgate.waitForLog((line) => line.msg === 'request' && String(line.path).startsWith('/no-such-path'));
  tollgate.child.kill('SIGTERM');
  t.is(await tollgate.exited, 0);

  const servers = spansOf(receiver.exports).filter((span) => span.kind === 2);
  const names = servers.map((span) => span.name);
  t.true(names.includes('POST /token'), names.join(', '));
  t.true(names.includes('GET /device/:code'), names.join(', '));
  // An unknown path keeps the method alone: no client-chosen text in span names.
  t.true(names.includes('GET'), names.join(', '));
  t.is(attribute(servers.find((span) => span.name === 'POST /token') as OtlpSpan, 'http.route'), '/token');

  const requestLines = tollgate.logs.filter((line) => line.reqId !== undefined);
  t.true(requestLines.length >= 3);
  for (const line of requestLines) {
    const span = servers.find((candidate) => candidate.traceId === line.trace_id && candidate.spanId === line.span_id);
    t.truthy(span, `log line ${JSON.stringify(line)} names no exported server span`);
  }
});
