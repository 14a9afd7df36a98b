import type { Context, Next } from 'koa';

import { AppError } from '../errors.ts';
import { StorageUnavailableError } from '../storage/storage-unavailable.ts';
import type { Logger } from '../logger.ts';

/**
 * Renders every error of tollgate's own routes as JSON: AppError with its code, storage
 * outages as 503 temporarily_unavailable, anything else as a bare 500 (logged, never sent).
 */
export function createErrorMiddleware(logger: Logger) {
  return async function renderErrors(ctx: Context, next: Next) {
    try {
      await next();
    } catch (error) {
      if (error instanceof StorageUnavailableError) {
        ctx.status = 503;
        ctx.set('retry-after', '1');
        ctx.body = { error: 'temporarily_unavailable', error_description: error.error_description };
        logger.warn({ reqId: ctx.state.requestId, err: error.cause }, 'storage unavailable');
        return;
      }
      if (error instanceof AppError && error.expose) {
        ctx.status = error.status;
        ctx.body = { error: error.code, error_description: error.message, ...(error.field ? { field: error.field } : {}) };
        return;
      }
      logger.error({ reqId: ctx.state.requestId, err: error }, 'unhandled error');
      ctx.status = 500;
      ctx.body = { error: 'server_error', error_description: 'internal error' };
    }
  };
}
