import Koa, { type Middleware } from 'koa';
import type Provider from 'oidc-provider';

import type { Logger } from './logger.ts';
import { createErrorMiddleware } from './http/error-middleware.ts';
import { createRequestLog } from './http/request-log.ts';

export interface AppDeps {
  provider: Provider;
  logger: Logger;
  trustProxy: boolean;
  /** tollgate's own routes (health, metrics, admin, sign-in pages), tried in order before the provider. */
  routes: Middleware[];
}

/**
 * The koa app: our routes first, then everything else to oidc-provider, which renders its own
 * protocol errors (RFC 6749 §5.2 JSON) itself.
 */
export function createApp({ provider, logger, trustProxy, routes }: AppDeps): Koa {
  const app = new Koa({ proxy: trustProxy });
  app.silent = true;
  app.on('error', (error: Error) => logger.error({ err: error }, 'koa error'));
  app.use(createRequestLog(logger));
  app.use(createErrorMiddleware(logger));
  for (const route of routes) app.use(route);

  const providerHandler = provider.callback();
  app.use(async (ctx) => {
    ctx.respond = false;
    await providerHandler(ctx.req, ctx.res);
  });
  return app;
}
