import { z } from 'zod';

import { adminRoute, type AdminRoute } from '../admin/admin-route.ts';
import { openApiRoute } from '../admin/openapi-route.ts';
import { maxPriorityView } from '../admin/view-schemas.ts';
import { maintainedResources } from '../resources/resource-maintainers.ts';
import { noSelfService } from '../resources/self-service-policy.ts';
import { newResourceToken, rotateResourceToken } from '../resource-tokens/resource-token-input.ts';
import { issuedTokenViewSchema, resourceTokenView, resourceTokenViewSchema } from '../admin/resource-tokens/resource-token-view.ts';
import { effectiveMaxPriority } from '../upstreams/priority-rules.ts';
import type { SelfService } from './create-self-service.ts';
import { maintainedResource, maintainerContext } from './maintained-resource.ts';
import { publisherRoutes } from './publisher-routes.ts';
import { selfServiceApi } from './self-service-api.ts';
import { showTokens } from '../admin/resource-tokens/token-listing.ts';

const maintainedView = z
  .object({
    identifier: z.string(),
    name: z.string(),
    scopes: z.array(z.string()).describe('the scopes a resource token may carry'),
    max_priority: maxPriorityView.describe('the highest max_priority a resource token may carry'),
    max_lifetime_days: z.number().int(),
    trusted_publisher_issuers: z.array(z.string()),
  })
  .strict();

/**
 * The maintainers' JSON API, under /self-service (paths relative to it), authenticated by the
 * maintainer's own access token (self-service-router.ts). Every route re-checks that the caller
 * maintains the resource its path names.
 */
export function selfServiceRoutes(selfService: SelfService): AdminRoute[] {
  const { tokens, store, reportLeaked } = selfService;
  const tokenPath = '/resources/:identifier/tokens';

  const routes: AdminRoute[] = [
    openApiRoute(() => routes, selfServiceApi),
    adminRoute({
      method: 'GET',
      path: '/resources',
      summary: 'The resource servers you maintain (with self-service on), and what their tokens may carry',
      responses: { 200: z.object({ resources: z.array(maintainedView) }).strict() },
      async handle({ caller }, deps) {
        const account = await deps.accounts.get(caller.sub);
        const resources = maintainedResources(await deps.resources.list(), account, deps.upstreams.settings);
        return {
          body: {
            resources: resources.map((resource) => {
              const policy = resource.selfService ?? noSelfService;
              return {
                identifier: resource.identifier,
                name: resource.name,
                scopes: policy.scopes ?? resource.scopes,
                max_priority: policy.maxPriority ?? null,
                max_lifetime_days: policy.maxLifetimeDays,
                trusted_publisher_issuers: policy.publisherIssuers,
              };
            }),
          },
        };
      },
    }),
    adminRoute({
      method: 'GET',
      path: tokenPath,
      summary: 'Every token of the resource, whoever made it (revoked ones until their expiry)',
      responses: { 200: z.object({ tokens: z.array(resourceTokenViewSchema) }).strict() },
      async handle({ params, caller }, deps) {
        const { resource } = await maintainedResource(deps, caller.sub, params.identifier as string);
        return { body: { tokens: await showTokens(await tokens.list(resource), resource, deps, store) } };
      },
    }),
    adminRoute({
      method: 'POST',
      path: tokenPath,
      summary: 'Make a resource token; its value is in this answer and never again',
      body: newResourceToken,
      responses: { 201: issuedTokenViewSchema },
      async handle({ params, body, caller }, deps) {
        const { resource, account } = await maintainedResource(deps, caller.sub, params.identifier as string);
        const { record, value } = await tokens.create(
          resource,
          account,
          effectiveMaxPriority(account, deps.upstreams.settings),
          body,
          maintainerContext(caller, account),
        );
        return { status: 201, body: { ...resourceTokenView(record, undefined, true), token: value } };
      },
    }),
    adminRoute({
      method: 'POST',
      path: `${tokenPath}/:id/revoke`,
      summary: 'Revoke a token of the resource (any maintainer, whoever made it); it stops working at once',
      responses: { 200: resourceTokenViewSchema },
      async handle({ params, caller }, deps) {
        const { resource, account } = await maintainedResource(deps, caller.sub, params.identifier as string);
        const record = await tokens.revoke(resource, params.id as string, maintainerContext(caller, account));
        return { body: (await showTokens([record], resource, deps, store))[0] };
      },
    }),
    adminRoute({
      method: 'POST',
      path: `${tokenPath}/:id/rotate`,
      summary: 'A new value for a token, shown this once; the old one works overlap_seconds longer (at most 24 h)',
      body: rotateResourceToken,
      responses: { 200: issuedTokenViewSchema },
      async handle({ params, body, caller }, deps) {
        const { resource, account } = await maintainedResource(deps, caller.sub, params.identifier as string);
        const { record, value } = await tokens.rotate(resource, params.id as string, body.overlap_seconds, maintainerContext(caller, account));
        const [shown] = await showTokens([record], resource, deps, store);
        return { body: { ...shown, token: value } };
      },
    }),
    ...publisherRoutes(selfService),
    adminRoute({
      method: 'POST',
      path: '/leaked-tokens',
      summary:
        'Report leaked resource tokens (no authentication): live ones are revoked; the answer is the same whatever was sent (429 with Retry-After past the values allowed per address)',
      body: z.object({ tokens: z.array(z.string().max(200)).min(1).max(100) }).strict(),
      responses: { 202: z.object({}).strict() },
      async handle({ body, caller }) {
        await reportLeaked(body.tokens, { reqId: caller.reqId, ip: caller.ip });
        return { status: 202, body: {} };
      },
    }),
  ];
  return routes;
}
