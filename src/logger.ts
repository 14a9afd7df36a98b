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
