import type Provider from 'oidc-provider';

import type { RouteLabels } from './metrics.ts';

// oidc-provider routes by name; disabled ones are skipped (pathFor throws for them).
const providerRoutes = ['token', 'jwks', 'device_authorization', 'code_verification', 'introspection', 'revocation', 'registration', 'authorization', 'userinfo', 'end_session'];

/**
 * Maps a request path to one of a fixed set of route labels, so the latency histogram has a
 * bounded number of series whatever paths clients send. One Map lookup for exact routes, a few
 * prefix checks for routes with ids in them; the label objects are built here once.
 */
export function createRouteClassifier(provider: Provider): (path: string) => RouteLabels {
  const labels = new Map<string, RouteLabels>();
  const label = (route: string) => {
    let existing = labels.get(route);
    if (!existing) labels.set(route, (existing = Object.freeze({ route })));
    return existing;
  };

  const exact = new Map<string, RouteLabels>([
    ['/.well-known/openid-configuration', label('discovery')],
    ['/.well-known/oauth-authorization-server', label('discovery')],
    ['/healthz', label('healthz')],
    ['/readyz', label('readyz')],
    ['/metrics', label('metrics')],
  ]);
  const prefixes: [string, RouteLabels][] = [
    ['/interaction/', label('interaction')],
    ['/admin/', label('admin')],
  ];
  for (const name of providerRoutes) {
    let path: string;
    try {
      path = provider.pathFor(name);
    } catch {
      continue;
    }
    exact.set(path, label(name));
    // Routes whose own path is followed by an id: /device/:uid, /reg/:client_id.
    if (name === 'code_verification') prefixes.push([`${path}/`, label('device_resume')]);
    if (name === 'registration') prefixes.push([`${path}/`, label('registration')]);
  }
  exact.set('/admin', label('admin'));
  const other = label('other');

  return (path) => {
    const known = exact.get(path);
    if (known) return known;
    for (const [prefix, route] of prefixes) if (path.startsWith(prefix)) return route;
    return other;
  };
}
