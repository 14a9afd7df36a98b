import type { ProviderRoutes } from '../provider/provider-routes.ts';
import type { RouteLabels } from './metrics.ts';

/**
 * Maps a request path to one of a fixed set of route labels, so the latency histogram has a
 * bounded number of series whatever paths clients send. Provider routes are named as
 * oidc-provider's router matches them (provider-routes.ts); the label objects are built once.
 */
export function createRouteClassifier(routes: ProviderRoutes): (path: string) => RouteLabels {
  const labels = new Map<string, RouteLabels>();
  const label = (route: string) => {
    let existing = labels.get(route);
    if (!existing) labels.set(route, (existing = Object.freeze({ route })));
    return existing;
  };

  const exact = new Map<string, RouteLabels>([
    ['/healthz', label('healthz')],
    ['/readyz', label('readyz')],
    ['/metrics', label('metrics')],
    ['/admin', label('admin')],
  ]);
  const prefixes: [string, RouteLabels][] = [
    ['/interaction/', label('interaction')],
    ['/admin/', label('admin')],
  ];
  // Label names kept from before the provider routes were matched by name.
  const renamed: Record<string, string> = { client: 'registration' };
  const other = label('other');

  return (path) => {
    const known = exact.get(path);
    if (known) return known;
    for (const [prefix, route] of prefixes) if (path.startsWith(prefix)) return route;
    const name = routes.nameOf(path);
    return name ? label(renamed[name] ?? name) : other;
  };
}
