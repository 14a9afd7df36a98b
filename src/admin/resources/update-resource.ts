import type { ResourceServerRecord } from '../../resources/resource-server-record.ts';
import type { AdminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { parseInput } from '../../parse-input.ts';
import { findResource } from './find-resource.ts';
import { resourceChanges } from './resource-input.ts';
import { checkResource, refuseBuiltIn } from '../../resources/resource-rules.ts';
import { resourceView } from './resource-view.ts';
import { resourceViewSchema } from './resource-view.ts';

/** PATCH /admin/resources/:identifier; `access_token_ttl: null` returns to the server default. */
export const updateResourceRoute: AdminRoute = {
  method: 'PATCH',
  path: '/resources/:identifier',
  summary: 'Change a resource server',
  body: resourceChanges,
  responses: { 200: resourceViewSchema },
  async handle({ params, body, caller }, deps) {
    const changes = parseInput(resourceChanges, body);
    refuseBuiltIn(params.identifier as string);
    const current = await findResource(deps, params.identifier as string);
    const next: ResourceServerRecord = { ...current, updatedAt: new Date().toISOString() };
    if (changes.name !== undefined) next.name = changes.name;
    if (changes.scopes !== undefined) next.scopes = changes.scopes;
    if (changes.signing_alg !== undefined) next.signingAlg = changes.signing_alg;
    if (changes.access_token_ttl === null) delete next.accessTokenTtl;
    else if (changes.access_token_ttl !== undefined) next.accessTokenTtl = changes.access_token_ttl;
    checkResource(next, deps.signingKeys);
    await deps.resources.save(next);
    audit(deps, caller, 'resource.update', { identifier: next.identifier, fields: Object.keys(changes) });
    return { body: resourceView(next) };
  },
};
