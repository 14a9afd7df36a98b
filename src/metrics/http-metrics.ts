import type { Context, Next } from 'koa';

import type { Metrics, RouteLabels } from './metrics.ts';

/** Observes every request's latency by route: two clock reads and one histogram update. */
export function createHttpMetrics(metrics: Metrics, classify: (path: string) => RouteLabels) {
  return async function httpMetrics(ctx: Context, next: Next) {
    const started = performance.now();
    try {
      await next();
    } finally {
      metrics.httpRequest(classify(ctx.path), (performance.now() - started) / 1000);
    }
  };
}
