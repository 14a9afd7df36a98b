import type { ClientRecord } from '../../clients/client-record.ts';
import { checkClient } from '../../clients/client-rules.ts';
import { checkFederatedIssuers } from '../../clients/federated-identity-rules.ts';
import { AppError } from '../../errors.ts';
import type { AdminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { parseInput } from '../../parse-input.ts';
import { clientChanges } from './client-input.ts';
import { clientView } from './client-view.ts';
import { findClient } from './find-client.ts';
import { clientViewSchema } from './client-view.ts';

/**
 * PATCH /admin/clients/:id: only the fields sent change; `null` clears `default_resource` and
 * `max_priority`. A change shows in other processes within their client cache time.
 */
export const updateClientRoute: AdminRoute = {
  method: 'PATCH',
  path: '/clients/:id',
  summary: 'Change a client (null clears a field)',
  body: clientChanges,
  responses: { 200: clientViewSchema },
  async handle({ params, body, caller }, deps) {
    const changes = parseInput(clientChanges, body);
    const current = await findClient(deps, params.id as string);
    if (changes.disabled === true && current.clientId === caller.clientId) {
      throw new AppError('conflict', 'an admin client cannot disable itself', { field: 'disabled' });
    }

    const next: ClientRecord = { ...current, updatedAt: new Date().toISOString() };
    if (changes.name !== undefined) next.name = changes.name;
    if (changes.description !== undefined) next.description = changes.description;
    if (changes.grant_types !== undefined) next.grantTypes = changes.grant_types;
    if (changes.scopes !== undefined) next.scopes = changes.scopes;
    if (changes.resources !== undefined) next.resources = changes.resources;
    if (changes.serves?.length === 0) delete next.serves;
    else if (changes.serves !== undefined) next.serves = changes.serves;
    if (changes.disabled !== undefined) next.disabled = changes.disabled;
    if (changes.jwks !== undefined) next.jwks = changes.jwks as unknown as ClientRecord['jwks'];
    if (changes.default_resource === null) delete next.defaultResource;
    else if (changes.default_resource !== undefined) next.defaultResource = changes.default_resource;
    if (changes.device_code_ttl === null) delete next.deviceCodeTtl;
    else if (changes.device_code_ttl !== undefined) next.deviceCodeTtl = changes.device_code_ttl;
    if (changes.max_priority === null) delete next.maxPriority;
    else if (changes.max_priority !== undefined) next.maxPriority = changes.max_priority;
    if (changes.federated_identities?.length === 0) delete next.federatedIdentities;
    else if (changes.federated_identities !== undefined) next.federatedIdentities = changes.federated_identities;

    await checkClient(next, deps.resources);
    checkFederatedIssuers(next, deps.trustedIssuers);
    await deps.clients.save(next);
    audit(deps, caller, 'client.update', { clientId: next.clientId, fields: Object.keys(changes) });
    return { body: clientView(next, await deps.clients.lastUsed(next.clientId)) };
  },
};
