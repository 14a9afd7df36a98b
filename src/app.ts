import type Koa from 'koa';
import type { Middleware } from 'koa';
import type Provider from 'oidc-provider';

import type { Logger } from './logger.ts';
import { createErrorMiddleware } from './http/error-middleware.ts';
import { createRequestLog } from './http/request-log.ts';
import { runFirst } from './provider/provider-internals.ts';

export interface AppDeps {
  provider: Provider;
  logger: Logger;
  /** tollgate's own routes (health, metrics, admin, sign-in pages), tried in order before the provider. */
  routes: Middleware[];
}

/**
 * The koa app: our routes first, then oidc-provider's, which renders its own protocol errors
 * (RFC 6749 §5.2 JSON) itself. oidc-provider is itself a koa app, so ours run at the front of
 * its middleware rather than in a second app in front of it: one koa context per request
 * instead of two (issue 14: a client-credentials token paid for both). Its `proxy` setting
 * and 'error' listener are set where the provider is built and its events subscribed.
 */
export function createApp({ provider, logger, routes }: AppDeps): Koa {
  return runFirst(provider, [createRequestLog(logger), createErrorMiddleware(logger), ...routes]);
}
