/** Typed codes of every error the server's start, the admin API, the seed loader and the CLI can report. */
export type AppErrorCode =
  | 'invalid_config'
  | 'invalid_field'
  | 'invalid_seed'
  | 'invalid_keys'
  | 'usage'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'too_many_requests'
  | 'unauthorized'
  | 'forbidden'
  | 'unreachable'
  | 'temporarily_unavailable'
  | 'cannot_listen'
  | 'internal';

/**
 * Each code's HTTP status (when a route renders it) and process exit code (when the server's
 * start or the CLI ends with it). docs/operations.md "Exit codes" lists the same exit codes:
 *   0 success, 1 unexpected error, 2 usage or invalid input, 3 not authenticated or not allowed
 *   (also: not logged in, login denied or expired), 4 not found, 5 conflict, 6 server unreachable
 *   or unavailable, or too many requests.
 */
export const appErrorCodes: Record<AppErrorCode, { status: number; exitCode: number }> = {
  invalid_config: { status: 500, exitCode: 2 },
  invalid_field: { status: 400, exitCode: 2 },
  invalid_seed: { status: 400, exitCode: 2 },
  invalid_keys: { status: 400, exitCode: 2 },
  usage: { status: 400, exitCode: 2 },
  unauthorized: { status: 401, exitCode: 3 },
  forbidden: { status: 403, exitCode: 3 },
  not_found: { status: 404, exitCode: 4 },
  // Only the server raises it; the CLI calling a method an endpoint lacks would be a CLI bug.
  method_not_allowed: { status: 405, exitCode: 1 },
  conflict: { status: 409, exitCode: 5 },
  // RFC 6585 §4, with Retry-After; like an unavailable server, it is worth trying later.
  too_many_requests: { status: 429, exitCode: 6 },
  unreachable: { status: 503, exitCode: 6 },
  temporarily_unavailable: { status: 503, exitCode: 6 },
  cannot_listen: { status: 500, exitCode: 1 },
  internal: { status: 500, exitCode: 1 },
};

/**
 * The codes a client (the CLI) reads an HTTP answer as, by status, from the table above: where
 * several codes share a status, the first listed here wins. 422 (RFC 9110 §15.5.21) is read as
 * a 400; any other status is `internal`.
 */
const answerCodes: AppErrorCode[] = ['invalid_field', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'too_many_requests', 'unreachable'];

/** The code of an error answer with this HTTP status, for a client reading one. */
export function codeForStatus(status: number): AppErrorCode {
  if (status === 422) return 'invalid_field';
  return answerCodes.find((code) => appErrorCodes[code].status === status) ?? 'internal';
}

export interface AppErrorOptions {
  /** The request field or setting at fault, sent along in admin API error bodies. */
  field?: string;
  /** Whether the message may be shown to the caller; by default 4xx and 503 are. */
  expose?: boolean;
  /** Response headers that belong to the error (WWW-Authenticate, Allow, Retry-After). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * The one error of tollgate's own surfaces (start-up, admin API, seed, CLI). `expose` says
 * whether the message may be shown to the caller; anything unexposed is rendered as a
 * generic error by the one renderer (src/http/error-response.ts).
 */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly status: number;
  readonly exitCode: number;
  readonly expose: boolean;
  readonly field: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  override name = 'AppError';

  constructor(code: AppErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    ({ status: this.status, exitCode: this.exitCode } = appErrorCodes[code]);
    this.expose = options.expose ?? (this.status < 500 || this.status === 503);
    this.field = options.field;
    this.headers = options.headers ?? {};
  }
}

export function invalidField(field: string, message: string): AppError {
  return new AppError('invalid_field', `${field}: ${message}`, { field });
}

/** A configuration that cannot be used; the message names the setting. */
export function invalidConfig(message: string, cause?: unknown): AppError {
  return new AppError('invalid_config', message, { cause });
}
