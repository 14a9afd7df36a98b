import type { RouteName } from '../http/request-pipeline.ts';
import type { RouteLabels } from './metrics.ts';

// Label names kept from before routes were told apart by method: the registration management
// routes were `registration`, a preflight was its route's, a callback and an unserved path `other`.
const renamed: Partial<Record<RouteName, string>> = {
  client: 'registration',
  client_update: 'registration',
  client_delete: 'registration',
  authorization: 'other',
  resume: 'other',
  end_session_confirm: 'other',
  upstream: 'other',
  unmatched: 'other',
  unmatched_page: 'other',
};

/**
 * The latency histogram's label for a route of the request pipeline (which route a request is,
 * is worked out there, once), so the histogram has a bounded number of series whatever paths
 * clients send. Each label object is built once, with the route's row.
 */
export function routeLabel(route: RouteName): RouteLabels {
  return Object.freeze({ route: renamed[route] ?? route.replace(/^cors\./, '') });
}
