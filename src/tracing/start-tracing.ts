import { type IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';

import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

import type { Config } from '../config/schema.ts';
import { correlateLogsWith } from '../logger.ts';
import { spanRouteOf } from './span-route.ts';

export interface Tracing {
  /** Exports the spans still buffered, then stops tracing. */
  stop(): Promise<void>;
}

/**
 * OpenTelemetry traces of HTTP requests (server spans) and Redis commands, exported over
 * OTLP/HTTP (JSON). load-tracing.ts imports this module only when an endpoint is configured, so
 * without one nothing of OpenTelemetry is ever loaded.
 */
export function startTracing(settings: Config['tracing']): Tracing {
  const url = settings.tracesEndpoint ?? `${(settings.endpoint as string).replace(/\/+$/, '')}/v1/traces`;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }) })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Server spans are named by route, not by method alone; outgoing requests keep their names.
      new HttpInstrumentation({
        applyCustomAttributesOnSpan(span, request, response) {
          if (!(response instanceof ServerResponse)) return;
          const route = spanRouteOf(new URL((request as IncomingMessage).url ?? '/', 'http://x').pathname);
          if (!route) return;
          span.updateName(`${(request as IncomingMessage).method} ${route}`);
          span.setAttribute('http.route', route);
        },
      }),
      // The command name only: arguments carry keys and stored payloads (token state).
      new IORedisInstrumentation({ dbStatementSerializer: (command) => command }),
    ],
  });
  // Both instrumentations hook `require`, which our ESM imports never call. Requiring the
  // modules once runs the hooks; they patch prototypes (http.Server, Redis) that the ESM
  // imports share, so no loader hook (--import) is needed.
  const require = createRequire(import.meta.url);
  require('http');
  require('ioredis');
  // Every log line written inside a traced request names its trace and span.
  correlateLogsWith(() => {
    const span = trace.getActiveSpan();
    if (!span) return undefined;
    const { traceId, spanId } = span.spanContext();
    return { trace_id: traceId, span_id: spanId };
  });

  return {
    async stop() {
      correlateLogsWith(undefined);
      await provider.shutdown();
      unregister();
    },
  };
}
