import type Provider from 'oidc-provider';

/** oidc-provider's routes by its names (lib/helpers/initialize_app.js), as tollgate's pipeline tells them apart. */
export type ProviderRouteName =
  | 'discovery'
  | 'jwks'
  | 'token'
  | 'device_authorization'
  | 'code_verification'
  | 'device_resume'
  | 'introspection'
  | 'revocation'
  | 'registration'
  | 'client'
  | 'client_update'
  | 'client_delete'
  | 'authorization'
  | 'resume'
  | 'end_session_confirm'
  | CorsRouteName;

/** The CORS preflight (OPTIONS) of a route, named as oidc-provider names it. */
export type CorsRouteName = 'cors.discovery' | 'cors.jwks' | 'cors.token' | 'cors.device_authorization' | 'cors.introspection' | 'cors.revocation';

export interface ProviderRoutes {
  /** The provider route a request reaches, or undefined for one its router does not serve. */
  nameOf(method: string, path: string): ProviderRouteName | undefined;
}

interface Pattern {
  method: string;
  name: ProviderRouteName;
  /** Folded segments; null where the route has a parameter. */
  segments: (string | null)[];
}

/**
 * The one answer to "which of oidc-provider's routes does this request reach". Its router
 * (lib/helpers/router.js) goes by method and path: GET also serves HEAD, case is folded, a path
 * with a trailing slash is retried once without it, and a static route wins over a
 * parameterised one of the same method. So `GET /device/auth` is the device resume with uid
 * `auth` (the device authorization endpoint is POST only), and `POST /DEVICE` is the code page:
 * middleware comparing exact strings, or ignoring the method, would pick the wrong steps.
 * Paths come from `provider.pathFor`; disabled routes are left out.
 */
export function createProviderRoutes(provider: Provider): ProviderRoutes {
  const patterns: Pattern[] = [];
  const add = (methods: readonly string[], name: ProviderRouteName, path: string | undefined) => {
    if (!path) return;
    const segments = path.split('/').map((segment) => (segment.startsWith(':') ? null : fold(segment)));
    for (const method of methods) {
      patterns.push({ method, name, segments });
      if (method === 'GET') patterns.push({ method: 'HEAD', name, segments });
    }
  };
  const pathOf = (name: string): string | undefined => {
    try {
      return provider.pathFor(name);
    } catch {
      return undefined;
    }
  };
  for (const discovery of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    add(['GET'], 'discovery', discovery);
    add(['OPTIONS'], 'cors.discovery', discovery);
  }
  add(['GET'], 'jwks', pathOf('jwks'));
  add(['OPTIONS'], 'cors.jwks', pathOf('jwks'));
  for (const name of ['token', 'device_authorization', 'introspection', 'revocation'] as const) {
    add(['POST'], name, pathOf(name));
    add(['OPTIONS'], `cors.${name}`, pathOf(name));
  }
  const codeVerification = pathOf('code_verification');
  add(['GET', 'POST'], 'code_verification', codeVerification);
  if (codeVerification) add(['GET'], 'device_resume', `${codeVerification}/:uid`);
  const registration = pathOf('registration');
  add(['POST'], 'registration', registration);
  if (registration) {
    add(['GET'], 'client', `${registration}/:clientId`);
    add(['PUT'], 'client_update', `${registration}/:clientId`);
    add(['DELETE'], 'client_delete', `${registration}/:clientId`);
  }
  const authorization = pathOf('authorization');
  add(['GET'], 'authorization', authorization);
  if (authorization) add(['GET'], 'resume', `${authorization}/:uid`);
  add(['POST'], 'end_session_confirm', pathOf('end_session_confirm'));

  const lookup = (method: string, path: string): ProviderRouteName | undefined => {
    const parts = fold(path).split('/');
    const matches = patterns.filter(
      (pattern) =>
        pattern.method === method &&
        pattern.segments.length === parts.length &&
        pattern.segments.every((segment, index) => (segment === null ? parts[index] !== '' : segment === parts[index])),
    );
    return (matches.find(({ segments }) => !segments.includes(null)) ?? matches[0])?.name;
  };
  // The pipeline asks about every request; the answer is kept per method and path. Paths come
  // from clients, so the memory is bounded: it starts over when full.
  const known = new Map<string, Map<string, ProviderRouteName | null>>();
  const nameOf = (method: string, path: string) => {
    let byPath = known.get(method);
    if (!byPath) known.set(method, (byPath = new Map()));
    let name = byPath.get(path);
    if (name === undefined) {
      name = lookup(method, path) ?? (path.length > 1 && path.endsWith('/') ? lookup(method, path.slice(0, -1)) : undefined) ?? null;
      if (byPath.size >= maxRememberedPaths) byPath.clear();
      byPath.set(path, name);
    }
    return name ?? undefined;
  };
  return { nameOf };
}

const maxRememberedPaths = 1_000;

/**
 * Upper case, as the router compares: ASCII always; other characters only where their upper
 * case is one character and does not turn them into ASCII (so `ſ` does not pass for `S`).
 */
function fold(value: string): string {
  if (printableAscii.test(value)) return value.toUpperCase();
  let out = '';
  for (const char of value) {
    const upper = char.toUpperCase();
    const code = char.codePointAt(0) as number;
    out += upper.length === 1 && !(code > 127 && (upper.codePointAt(0) as number) < 128) ? upper : char;
  }
  return out;
}

// Printable ASCII folds with toUpperCase alone; anything else takes the careful way.
const printableAscii = /^[ -~]*$/;
