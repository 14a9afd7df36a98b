import type Koa from 'koa';
import type Provider from 'oidc-provider';

import { createRequestPipeline, createRouteOf, type PipelineSteps } from './http/request-pipeline.ts';
import { runFirst, type ProviderRoutes } from './kernel/provider-internals.ts';

export interface AppDeps {
  provider: Provider;
  providerRoutes: ProviderRoutes;
  /** Every step a route's row in the request pipeline may name (http/request-pipeline.ts). */
  steps: PipelineSteps;
}

/**
 * The koa app: the request pipeline (http/request-pipeline.ts), whose row for the request's
 * route runs our steps and ends in oidc-provider's router, which renders its own protocol errors
 * (RFC 6749 §5.2 JSON) itself. oidc-provider is itself a koa app, so ours run at the front of its
 * middleware rather than in a second app in front of it: one koa context per request instead of
 * two (issue 14: a client-credentials token paid for both). Its `proxy` setting and 'error'
 * listener are set where the provider is built and its events subscribed.
 */
export function createApp({ provider, providerRoutes, steps }: AppDeps): Koa {
  return runFirst(provider, [createRequestPipeline(createRouteOf(providerRoutes), steps)]);
}
