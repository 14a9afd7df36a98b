import type { Config } from '../config/schema.ts';
import { invalidConfig } from '../errors.ts';
import type { startTracing, Tracing } from './start-tracing.ts';

/**
 * Starts tracing when an endpoint is configured, and only then loads the OpenTelemetry packages:
 * they are optional dependencies (installed by `npm ci` and in the image, left out by
 * `npm install --omit=optional`), so a server without tracing never needs them.
 */
export async function loadTracing(settings: Config['tracing']): Promise<Tracing | undefined> {
  if (!settings.endpoint && !settings.tracesEndpoint) return undefined;
  const setting = settings.tracesEndpoint ? 'tracing.tracesEndpoint (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)' : 'tracing.endpoint (OTEL_EXPORTER_OTLP_ENDPOINT)';
  let start: typeof startTracing;
  try {
    start = (await import('./start-tracing.ts')).startTracing;
  } catch (error) {
    const missing = missingPackageOf(error);
    if (!missing?.startsWith('@opentelemetry/')) throw error;
    throw invalidConfig(
      `${setting} is set, but ${missing} is not installed: install tollgate's optional dependencies (npm ci without --omit=optional), or unset it to run without tracing`,
      error,
    );
  }
  return start(settings);
}

function missingPackageOf(error: unknown): string | undefined {
  if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  return /Cannot find package '([^']+)'/.exec((error as Error).message)?.[1];
}
