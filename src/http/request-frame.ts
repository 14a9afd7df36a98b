import type { Context, Next } from 'koa';

import { requestLogContext, type Logger } from '../logger.ts';
import { renderError } from './error-middleware.ts';
import { assignRequestId, logRequest } from './request-log.ts';

export interface RequestFrameDeps {
  logger: Logger;
  /** Records the request's latency (metrics/http-metrics.ts). */
  observeLatency: (ctx: Context, seconds: number) => void;
}

/**
 * What every request passes through first: its id, which every line logged while serving it
 * carries (requestLogContext); the rendering of errors our routes throw; its latency; its log
 * line. One middleware, so one async frame per request rather than one for each (issue 14).
 */
export function createRequestFrame({ logger, observeLatency }: RequestFrameDeps) {
  async function serve(ctx: Context, next: Next, requestId: string) {
    const started = performance.now();
    try {
      await next();
    } catch (error) {
      renderError(ctx, error, logger);
    } finally {
      const ms = performance.now() - started;
      observeLatency(ctx, ms / 1000);
      logRequest(logger, ctx, requestId, ms);
    }
  }
  return function requestFrame(ctx: Context, next: Next) {
    const requestId = assignRequestId(ctx);
    return requestLogContext.run({ reqId: requestId }, serve, ctx, next, requestId);
  };
}
