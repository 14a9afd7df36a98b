/** Typed codes of every error the admin API, the seed loader and the CLI can report. */
export type AppErrorCode =
  | 'invalid_field'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'unauthorized'
  | 'forbidden'
  | 'storage_unavailable'
  | 'invalid_seed'
  | 'invalid_keys'
  | 'usage'
  | 'unreachable'
  | 'internal';

const statusByCode: Record<AppErrorCode, number> = {
  invalid_field: 400,
  invalid_seed: 400,
  invalid_keys: 400,
  usage: 400,
  unreachable: 503,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  storage_unavailable: 503,
  internal: 500,
};

/**
 * The one error of tollgate's own surfaces (admin API, seed, CLI). `expose` says whether the
 * message may be shown to the caller; anything unexposed is rendered as a generic error.
 */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly status: number;
  readonly expose: boolean;
  readonly field: string | undefined;
  override name = 'AppError';

  constructor(code: AppErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = statusByCode[code];
    this.expose = this.status < 500 || code === 'storage_unavailable' || code === 'unreachable';
    this.field = options.field;
  }
}

export function invalidField(field: string, message: string): AppError {
  return new AppError('invalid_field', `${field}: ${message}`, { field });
}
