import type { Context } from 'koa';

import type { RouteName } from '../http/request-pipeline.ts';
import type { Metrics } from './metrics.ts';
import { routeLabel } from './route-classifier.ts';

/** Observes the latency of a route's requests: one histogram update, its label built once. */
export function createLatencyObserver(metrics: Metrics, route: RouteName) {
  const labels = routeLabel(route);
  return (_ctx: Context, seconds: number) => metrics.httpRequest(labels, seconds);
}
