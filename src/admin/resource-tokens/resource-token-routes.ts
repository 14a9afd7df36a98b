import { z } from 'zod';

import type { ChangeContext } from '../../resource-tokens/resource-tokens.ts';
import { resourceTokenViewSchema } from './resource-token-view.ts';
import { showTokens } from './token-listing.ts';
import { adminRoute, type AdminCaller } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { findResource } from '../resources/find-resource.ts';

const tokensOf = '/resources/:identifier/tokens';

/** An admin acting on resource tokens, as their security events name them. */
export const adminChange = (caller: AdminCaller): ChangeContext => ({ actor: { kind: 'admin', id: caller.sub }, reqId: caller.reqId, ip: caller.ip });

/** GET /admin/resources/:identifier/tokens: every token of a resource, as its maintainers see them. */
export const listResourceTokensRoute = adminRoute({
  method: 'GET',
  path: tokensOf,
  summary: 'Every resource token of a resource server (made by its maintainers; revoked ones until their expiry)',
  responses: { 200: z.object({ tokens: z.array(resourceTokenViewSchema) }).strict() },
  async handle({ params }, deps) {
    const resource = await findResource(deps, params.identifier as string);
    const { tokens, store } = deps.selfService;
    return { body: { tokens: await showTokens(await tokens.list(resource), resource, deps, store) } };
  },
});

/** POST /admin/resources/:identifier/tokens/:id/revoke */
export const revokeResourceTokenRoute = adminRoute({
  method: 'POST',
  path: `${tokensOf}/:id/revoke`,
  summary: 'Revoke a resource token; it stops working at once',
  responses: { 200: resourceTokenViewSchema },
  async handle({ params, caller }, deps) {
    const resource = await findResource(deps, params.identifier as string);
    const { tokens, store } = deps.selfService;
    const record = await tokens.revoke(resource, params.id as string, adminChange(caller));
    audit(deps, caller, 'resource_token.revoke', { resource: resource.identifier, tokenId: record.id });
    return { body: (await showTokens([record], resource, deps, store))[0] };
  },
});
