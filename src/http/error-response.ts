import type { ServerResponse } from 'node:http';

import { AppError } from '../errors.ts';
import { StorageUnavailableError } from '../storage/storage-unavailable.ts';

/** The JSON body of every error tollgate renders itself, in RFC 6749 §5.2's shape. */
export interface ErrorBody {
  error: string;
  error_description?: string;
  field?: string;
}

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: ErrorBody;
  /** Set when the error was not meant for the caller: log it, it is not in the body. */
  unexpected: boolean;
}

/**
 * The one renderer of error responses for tollgate's own routes and listeners (admin API,
 * health and metrics routes, the metrics server, the server while starting): an exposed
 * AppError with its code, message and field; a storage outage as 503 temporarily_unavailable
 * (RFC 6749 §4.1.2.1); anything else as a bare 500 that says nothing of its cause.
 */
export function errorResponse(error: unknown): ErrorResponse {
  if (error instanceof StorageUnavailableError) {
    return {
      status: 503,
      headers: { 'retry-after': '1' },
      body: { error: 'temporarily_unavailable', error_description: error.error_description as string },
      unexpected: false,
    };
  }
  if (error instanceof AppError && error.expose) {
    const body: ErrorBody = { error: error.code, error_description: error.message, ...(error.field ? { field: error.field } : {}) };
    return { status: error.status, headers: { ...error.headers }, body, unexpected: false };
  }
  return { status: 500, headers: {}, body: { error: 'server_error', error_description: 'internal error' }, unexpected: true };
}

/** Writes an error response on a plain node:http listener (outside koa). */
export function sendErrorResponse(res: ServerResponse, error: unknown): void {
  const { status, headers, body } = errorResponse(error);
  res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** A 503 for a listener that cannot answer yet (starting, or what it serves failed). */
export function temporarilyUnavailable(description: string): AppError {
  return new AppError('temporarily_unavailable', description, { headers: { 'retry-after': '1' } });
}
