import type { Context, Next } from 'koa';

import type { Metrics } from './metrics.ts';
import { createScrapeAccess, scrapeTokenRequired } from './scrape-access.ts';

/**
 * `/metrics` on the main port, for deployments without a separate metrics port: only with the
 * scrape token (metrics.token), because the main port faces clients and the metrics name them.
 */
export function createMetricsRoute(metrics: Metrics, token: string) {
  const allowed = createScrapeAccess(token);
  return async function metricsRoute(ctx: Context, next: Next) {
    if (ctx.path !== '/metrics' || ctx.method !== 'GET') return next();
    if (!allowed(ctx.get('authorization'))) throw scrapeTokenRequired();
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  };
}
