import type { Context, Next } from 'koa';

import type { Logger } from '../logger.ts';
import { StorageUnavailableError } from '../storage/storage-unavailable.ts';
import { errorResponse } from './error-response.ts';

/** Renders an error of tollgate's own routes through the one renderer, logging what callers do not see. */
export function renderError(ctx: Context, error: unknown, logger: Logger): void {
  const response = errorResponse(error);
  if (error instanceof StorageUnavailableError) logger.warn({ err: error.cause }, 'storage unavailable');
  else if (response.unexpected) logger.error({ err: error }, 'unhandled error');
  ctx.status = response.status;
  ctx.set(response.headers);
  ctx.body = response.body;
}

/** renderError as a middleware of its own, for an app without the request frame (tests of single routers). */
export function createErrorMiddleware(logger: Logger) {
  return async function renderErrors(ctx: Context, next: Next) {
    try {
      await next();
    } catch (error) {
      renderError(ctx, error, logger);
    }
  };
}
