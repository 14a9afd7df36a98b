import type Provider from 'oidc-provider';

import { chain } from '../http/middleware-chain.ts';

/** oidc-provider's routes that tollgate's own middleware asks about, by oidc-provider's names. */
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
  | 'client';

export interface ProviderRoutes {
  /** The provider route a request path reaches, or undefined for a path it does not serve. */
  nameOf(path: string): ProviderRouteName | undefined;
  /** Whether a request path reaches the provider route `name`. */
  is(name: ProviderRouteName, path: string): boolean;
}

interface Pattern {
  name: ProviderRouteName;
  /** Folded segments; null where the route has a parameter. */
  segments: (string | null)[];
}

/**
 * The one answer to "is this oidc-provider's route X". Its router (lib/helpers/router.js)
 * folds case and retries once without a trailing slash, so `POST /DEVICE` and `GET /device/`
 * reach the device pages: middleware comparing exact strings would let them past its rate
 * limit or headers. Paths come from `provider.pathFor`; disabled routes are left out.
 */
export function createProviderRoutes(provider: Provider): ProviderRoutes {
  const patterns: Pattern[] = [];
  const add = (name: ProviderRouteName, path: string | undefined) => {
    if (path) patterns.push({ name, segments: path.split('/').map((segment) => (segment.startsWith(':') ? null : fold(segment))) });
  };
  const pathOf = (name: string): string | undefined => {
    try {
      return provider.pathFor(name);
    } catch {
      return undefined;
    }
  };
  add('discovery', '/.well-known/openid-configuration');
  add('discovery', '/.well-known/oauth-authorization-server');
  for (const name of ['jwks', 'token', 'device_authorization', 'code_verification', 'introspection', 'revocation', 'registration'] as const) add(name, pathOf(name));
  const codeVerification = pathOf('code_verification');
  if (codeVerification) add('device_resume', `${codeVerification}/:uid`);
  const registration = pathOf('registration');
  if (registration) add('client', `${registration}/:client_id`);

  const lookup = (path: string): ProviderRouteName | undefined => {
    const parts = fold(path).split('/');
    // Static routes win over parameterised ones, as in the router (/device/auth is not /device/:uid).
    const matches = patterns.filter(({ segments }) => segments.length === parts.length && segments.every((segment, index) => (segment === null ? parts[index] !== '' : segment === parts[index])));
    return (matches.find(({ segments }) => !segments.includes(null)) ?? matches[0])?.name;
  };
  // Several middlewares ask about every request's path; the answer is kept per path. Paths come
  // from clients, so the memory is bounded: it starts over when full.
  const known = new Map<string, ProviderRouteName | null>();
  const nameOf = (path: string) => {
    let name = known.get(path);
    if (name === undefined) {
      name = lookup(path) ?? (path.length > 1 && path.endsWith('/') ? lookup(path.slice(0, -1)) : undefined) ?? null;
      if (known.size >= maxRememberedPaths) known.clear();
      known.set(path, name);
    }
    return name ?? undefined;
  };
  return { nameOf, is: (name, path) => nameOf(path) === name };
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

/**
 * Middleware for some provider routes only, by route: any other request passes with one lookup
 * instead of an async frame for each (issue 14: a token request went through every
 * introspection, device-page and registration middleware to be told it was not theirs).
 */
export function byRoute<C extends { path: string }>(routes: ProviderRoutes, table: Partial<Record<ProviderRouteName, readonly RouteMiddleware<C>[]>>) {
  const chains = new Map<ProviderRouteName, (ctx: C, next: () => Promise<unknown>) => Promise<unknown>>();
  for (const [name, middleware] of Object.entries(table) as [ProviderRouteName, readonly RouteMiddleware<C>[]][]) chains.set(name, chain(middleware));
  return (ctx: C, next: () => Promise<unknown>): Promise<unknown> => {
    const name = routes.nameOf(ctx.path);
    const routeChain = name && chains.get(name);
    return routeChain ? routeChain(ctx, next) : next();
  };
}

type RouteMiddleware<C> = (ctx: C, next: () => Promise<unknown>) => Promise<unknown>;
