import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';

export type { Logger };

/** `json`: one JSON object per line (log collectors); `pretty`: human-readable lines (terminals, npm run dev). */
export type LogFormat = 'json' | 'pretty';

/** The request a log line is written for; every line logged while serving it carries its id. */
export const requestLogContext = new AsyncLocalStorage<{ reqId: string }>();

type TraceFields = () => Record<string, string> | undefined;
let traceFields: TraceFields | undefined;

/** Tracing, once started, gives every log line of a traced request its trace_id and span_id. */
export function correlateLogsWith(fields: TraceFields | undefined): void {
  traceFields = fields;
}

function logFields(): Record<string, string> {
  const request = requestLogContext.getStore();
  const traced = traceFields?.();
  return { ...(request ? { reqId: request.reqId } : {}), ...traced };
}

/**
 * The one structured logger. Paths that can carry credentials are redacted as a second line of
 * defence; the first is that no code logs a request body, a token or a secret.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream, format: LogFormat = 'json'): Logger {
  // pino-pretty (and its dependencies) is loaded only for pretty output: JSON logging, what
  // production runs, never pays for it. Required, so that creating a logger stays synchronous.
  const output =
    format === 'pretty'
      ? (createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty)({
          destination: (destination ?? 1) as never,
          sync: true,
          colorize: !destination && process.stdout.isTTY,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'service,hostname',
          singleLine: true,
        })
      : destination;
  return pino(
    {
      level,
      base: { service: 'tollgate', pid: process.pid },
      // A fresh object per line: pino merges each line's fields into what the mixin returns, so
      // returning the request's store itself made every later line of the request carry the
      // fields of the earlier ones (a request line repeating a security event's name).
      mixin: logFields,
      serializers: { err: serializeError },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          '*.password',
          '*.client_secret',
          '*.secret',
          '*.access_token',
          '*.refresh_token',
          '*.device_code',
        ],
        censor: '[redacted]',
      },
    },
    output as Parameters<typeof pino>[1],
  );
}

/**
 * pino's error serializer, minus the arguments ioredis attaches to a failed command's error
 * (`command.args`): keys that name refresh tokens and codes, values that hold records.
 */
function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown;
  if (typeof serialized !== 'object' || serialized === null) return serialized;
  const fields = serialized as { command?: { name?: unknown }; aggregateErrors?: unknown[] };
  if (fields.command) fields.command = { name: fields.command.name };
  if (Array.isArray(fields.aggregateErrors))
    fields.aggregateErrors = fields.aggregateErrors.map((inner) => serializeError((inner as { raw?: unknown }).raw ?? inner));
  return serialized;
}
