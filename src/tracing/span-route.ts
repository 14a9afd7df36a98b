import { adminRoutes } from '../admin/admin-routes.ts';

/**
 * Route templates of tollgate's HTTP surface, for span names (`POST /token`, `GET /device/:code`):
 * a bounded set whatever paths clients send, with no code, id or token of a path in a name.
 * oidc-provider's default paths (tollgate does not change them), our pages, health and admin.
 */
const templates = [
  '/token',
  '/token/introspection',
  '/token/revocation',
  '/device/auth',
  '/device',
  '/device/:code',
  '/jwks',
  '/reg',
  '/reg/:client_id',
  '/me',
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
  '/interaction/:uid',
  '/interaction/:uid/login',
  '/interaction/:uid/confirm',
  '/interaction/:uid/upstream',
  '/upstream/:id/callback',
  '/healthz',
  '/readyz',
  '/metrics',
  ...adminRoutes.map((route) => `/admin${route.path}`),
].map((template) => ({ template, segments: template.split('/') }));

/** The template a request path matches (static segments before parameters), or undefined. */
export function spanRouteOf(path: string): string | undefined {
  const parts = path.split('/');
  let best: { template: string; statics: number } | undefined;
  for (const { template, segments } of templates) {
    if (segments.length !== parts.length) continue;
    let statics = 0;
    const matches = segments.every((segment, index) => {
      if (segment.startsWith(':')) return (parts[index] as string).length > 0;
      statics += 1;
      return segment === parts[index];
    });
    if (matches && (!best || statics > best.statics)) best = { template, statics };
  }
  return best?.template;
}
