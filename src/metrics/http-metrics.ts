import type { Context } from 'koa';

import type { Metrics, RouteLabels } from './metrics.ts';

/** Observes a request's latency by route: one classification and one histogram update. */
export function createLatencyObserver(metrics: Metrics, classify: (path: string) => RouteLabels) {
  return (ctx: Context, seconds: number) => metrics.httpRequest(classify(ctx.path), seconds);
}
