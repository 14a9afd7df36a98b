import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The one structured logger. Paths that can carry credentials are redacted as a second line of
 * defence; the first is that no code logs a request body, a token or a secret.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'tollgate', pid: process.pid },
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
    destination as Parameters<typeof pino>[1],
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
  if (Array.isArray(fields.aggregateErrors)) fields.aggregateErrors = fields.aggregateErrors.map((inner) => serializeError((inner as { raw?: unknown }).raw ?? inner));
  return serialized;
}
