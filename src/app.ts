import type Koa from 'koa';
import type { Context, Middleware } from 'koa';
import type Provider from 'oidc-provider';

import type { Logger } from './logger.ts';
import { chain } from './http/middleware-chain.ts';
import { createRequestFrame } from './http/request-frame.ts';
import { runFirst } from './provider/provider-internals.ts';
import type { ProviderRouteName, ProviderRoutes } from './provider/provider-routes.ts';

export interface AppDeps {
  provider: Provider;
  logger: Logger;
  providerRoutes: ProviderRoutes;
  /** Records every request's latency (metrics). */
  observeLatency: (ctx: Context, seconds: number) => void;
  /** tollgate's own routes (health, metrics, admin, sign-in pages), tried in order before the provider. */
  routes: Middleware[];
}

/**
 * The protocol endpoints none of our routes serve or wrap: their requests go from the request
 * log and metrics straight to the provider (issue 14: a token request used to ask each of a
 * dozen routes whether it was theirs). The device pages and client configuration are not here:
 * our page headers, code attempts and secret swap wrap them.
 */
const protocolEndpoints: ReadonlySet<ProviderRouteName> = new Set(['token', 'jwks', 'discovery', 'introspection', 'revocation', 'device_authorization']);

/**
 * The koa app: the request frame (id, log context, errors, latency), our routes, then
 * oidc-provider's, which renders its own protocol errors (RFC 6749 §5.2 JSON) itself.
 * oidc-provider is itself a koa app, so ours run at the front of its middleware rather than in
 * a second app in front of it: one koa context per request instead of two (issue 14: a
 * client-credentials token paid for both). Its `proxy` setting and 'error' listener are set
 * where the provider is built and its events subscribed.
 */
export function createApp({ provider, logger, providerRoutes, observeLatency, routes }: AppDeps): Koa {
  const ours = chain(routes);
  const exceptProtocolEndpoints: Middleware = (ctx, next) => {
    const route = providerRoutes.nameOf(ctx.path);
    return route && protocolEndpoints.has(route) ? next() : ours(ctx, next);
  };
  return runFirst(provider, [createRequestFrame({ logger, observeLatency }), exceptProtocolEndpoints]);
}
