import { z } from 'zod';

import { AppError } from '../../errors.ts';
import { checkResource, checkSelfService, refuseBuiltIn } from '../../resources/resource-rules.ts';
import { adminResource, type ResourceServerRecord } from '../../resources/resource-server-record.ts';
import { changedSelfService, givenMaintainers } from '../../resources/self-service-changes.ts';
import { matchesQuery, pageQuery } from '../pagination.ts';
import { createRecordRoute, deleteRecordRoute, getRecordRoute, listRecordsRoute, patch, updateRecordRoute, type RecordKind } from '../record-routes.ts';
import { adminChange } from '../resource-tokens/resource-token-routes.ts';
import { findResource } from './find-resource.ts';
import { newResource, resourceChanges } from './resource-input.ts';

type ResourceChanges = Pick<
  z.output<typeof resourceChanges>,
  'self_service' | 'self_service_scopes' | 'self_service_max_priority' | 'self_service_max_lifetime_days' | 'trusted_publisher_issuers'
>;
import { resourceView, resourceViewSchema, type ResourceView } from './resource-view.ts';

/**
 * Resource servers in the admin API: /admin/resources/:identifier, the identifier (a URI)
 * percent-encoded. The built-in admin API is listed and read like the others, never changed.
 */
const resourceKind: RecordKind<ResourceServerRecord, ResourceView> = {
  name: 'resource',
  collection: 'resources',
  param: 'identifier',
  field: 'identifier',
  auditField: 'identifier',
  idOf: (record) => record.identifier,
  find: findResource,
  view: resourceViewSchema,
  show: resourceView,
  check(record, deps) {
    checkResource(record, deps.signingKeys);
    checkSelfService(record, { upstreamIds: deps.upstreams.settings, trustedIssuers: deps.trustedIssuers });
  },
};

/** GET /admin/resources: the built-in admin API first, then the others by identifier. */
export const listResourcesRoute = listRecordsRoute(resourceKind, {
  summary: 'List resource servers: the built-in admin API first, then by identifier, a page at a time',
  query: z.object(pageQuery).strict(),
  select: async ({ q }, deps) => (await deps.resources.list()).filter((record) => matchesQuery(q, record.identifier, record.name)),
  // "0" sorts the built-in admin API before every other identifier ("1...").
  orderBy: (record) => `${record.identifier === adminResource.identifier ? 0 : 1}${record.identifier}`,
});

/** POST /admin/resources: an API tokens can be issued for (its identifier is their `aud`). */
export const createResourceRoute = createRecordRoute(resourceKind, {
  summary: "Create a resource server (an API, the tokens' aud)",
  body: newResource,
  build(input) {
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
    const maintainers = givenMaintainers(input.maintainers);
    if (maintainers) record.maintainers = maintainers;
    const selfService = changedSelfService(undefined, selfServiceChanges(input));
    if (selfService) record.selfService = selfService;
    return { record };
  },
  async insert(deps, record) {
    if (!(await deps.resources.create(record)))
      throw new AppError('conflict', `resource server "${record.identifier}" already exists`, { field: 'identifier' });
  },
});

function selfServiceChanges(input: ResourceChanges) {
  return {
    enabled: input.self_service,
    scopes: input.self_service_scopes,
    maxPriority: input.self_service_max_priority,
    maxLifetimeDays: input.self_service_max_lifetime_days,
    publisherIssuers: input.trusted_publisher_issuers,
  };
}

/** GET /admin/resources/:identifier (percent-encoded) */
export const getResourceRoute = getRecordRoute(resourceKind, 'Read a resource server (identifier percent-encoded)');

/** PATCH /admin/resources/:identifier; `access_token_ttl: null` returns to the server default. */
export const updateResourceRoute = updateRecordRoute(resourceKind, {
  summary: 'Change a resource server',
  body: resourceChanges,
  refuse: (current) => refuseBuiltIn(current.identifier),
  apply(next, changes) {
    patch(next, { name: changes.name, scopes: changes.scopes, signingAlg: changes.signing_alg, accessTokenTtl: changes.access_token_ttl });
    if (changes.maintainers !== undefined) patch(next, { maintainers: givenMaintainers(changes.maintainers) ?? null });
    const selfService = changedSelfService(next.selfService, selfServiceChanges(changes));
    if (selfService) next.selfService = selfService;
  },
  save: (deps, next) => deps.resources.save(next),
});

/**
 * DELETE /admin/resources/:identifier: refused while a client may still ask for it. Its resource
 * tokens and trusted publishers go with it (each a security event): they stop working at once,
 * and a resource created again under the identifier starts with none, and with no recent activity.
 */
export const deleteResourceRoute = deleteRecordRoute(resourceKind, {
  summary: 'Delete a resource server no client uses, and every resource token and trusted publisher made for it, and its recent activity',
  async refuse(record, deps) {
    refuseBuiltIn(record.identifier);
    const users = (await deps.clients.list()).filter((client) => client.resources.includes(record.identifier)).map((client) => client.clientId);
    if (users.length > 0) {
      throw new AppError(
        'conflict',
        `clients still use ${record.identifier}: ${users.slice(0, 10).join(', ')}${users.length > 10 ? ', ...' : ''}; remove it from them first`,
      );
    }
  },
  async remove(deps, identifier, caller) {
    await deps.resources.delete(identifier);
    await deps.selfService.tokens.removeAll(identifier, adminChange(caller));
    await deps.selfService.publishers.removeAll(identifier, adminChange(caller));
    await deps.selfService.activity.removeAll(identifier);
  },
});
