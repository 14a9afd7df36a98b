import { AppError } from '../../errors.ts';
import type { ResourceServerRecord } from '../../resources/resource-server-record.ts';
import type { AdminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { parseInput } from '../../parse-input.ts';
import { newResource } from './resource-input.ts';
import { checkResource, refuseBuiltIn } from '../../resources/resource-rules.ts';
import { resourceView } from './resource-view.ts';
import { resourceViewSchema } from './resource-view.ts';

/** POST /admin/resources: an API tokens can be issued for (its identifier is their `aud`). */
export const createResourceRoute: AdminRoute = {
  method: 'POST',
  path: '/resources',
  summary: 'Create a resource server (an API, the tokens\' aud)',
  body: newResource,
  responses: { 201: resourceViewSchema },
  async handle({ body, caller }, deps) {
    const input = parseInput(newResource, body);
    refuseBuiltIn(input.identifier);
    const now = new Date().toISOString();
    const record: ResourceServerRecord = {
      identifier: input.identifier,
      name: input.name ?? input.identifier,
      scopes: input.scopes,
      ...(input.access_token_ttl !== undefined ? { accessTokenTtl: input.access_token_ttl } : {}),
      signingAlg: input.signing_alg,
      createdAt: now,
      updatedAt: now,
    };
    checkResource(record, deps.signingKeys);
    if (!(await deps.resources.create(record))) {
      throw new AppError('conflict', `resource server "${record.identifier}" already exists`, { field: 'identifier' });
    }
    audit(deps, caller, 'resource.create', { identifier: record.identifier });
    return { status: 201, body: resourceView(record) };
  },
};
