import { randomBytes } from 'node:crypto';
import { z } from 'zod';

import { usesClientSecret, type ClientRecord } from '../../clients/client-record.ts';
import { checkClient } from '../../clients/client-rules.ts';
import { generateClientSecret, hashClientSecret } from '../../clients/client-secret.ts';
import { checkFederatedIdentitiesUnique, checkFederatedIssuers } from '../../clients/federated-identity-rules.ts';
import { newClientRecord } from '../../clients/new-client-record.ts';
import { AppError } from '../../errors.ts';
import { resourceIdentifier } from '../../principals/identifiers.ts';
import { disabledFilter, matchesQuery, pageQuery } from '../pagination.ts';
import {
  createRecordRoute,
  deleteRecordRoute,
  getRecordRoute,
  listRecordsRoute,
  patch,
  updateRecordRoute,
  type GrantHolder,
  type RecordKind,
} from '../record-routes.ts';
import { clientChanges, newClient } from './client-input.ts';
import { clientView, clientViewSchema, clientWithSecretSchema, type ClientView } from './client-view.ts';
import { findClient } from './find-client.ts';

/** Clients in the admin API: /admin/clients/:id, shown with when each last got a token. */
export const clientKind: RecordKind<ClientRecord, ClientView> & GrantHolder = {
  name: 'client',
  collection: 'clients',
  param: 'id',
  field: 'client_id',
  auditField: 'clientId',
  idOf: (record) => record.clientId,
  find: findClient,
  view: clientViewSchema,
  show: async (record, deps, stored) => clientView(record, stored ? await deps.clients.lastUsed(record.clientId) : undefined),
  async check(record, deps) {
    await checkClient(record, deps.resources);
    checkFederatedIssuers(record, deps.trustedIssuers);
    if (record.federatedIdentities?.length) checkFederatedIdentitiesUnique(record, await deps.clients.list(), deps.config.issuer);
  },
  grants: 'client',
};

/** GET /admin/clients: clients by id, a page at a time, with when each last got a token. */
export const listClientsRoute = listRecordsRoute(clientKind, {
  summary: 'List clients by client_id, a page at a time',
  query: z.object({ ...pageQuery, disabled: disabledFilter, resource: resourceIdentifier.optional().describe('only clients allowed this resource') }).strict(),
  select: async ({ q, disabled, resource }, deps) =>
    (await deps.clients.list()).filter(
      (record) =>
        matchesQuery(q, record.clientId, record.name) &&
        (disabled === undefined || String(record.disabled) === disabled) &&
        (resource === undefined || record.resources.includes(resource)),
    ),
  orderBy: (record) => record.clientId,
});

/** POST /admin/clients: the generated secret is in this response and nowhere else, ever. */
export const createClientRoute = createRecordRoute(clientKind, {
  summary: 'Create a client; the answer alone holds its generated secret',
  body: newClient,
  answer: clientWithSecretSchema,
  build(input, deps) {
    const secret = usesClientSecret(input.token_endpoint_auth_method) ? generateClientSecret() : undefined;
    const record = newClientRecord({
      clientId: input.client_id ?? randomBytes(10).toString('hex'),
      name: input.name,
      description: input.description,
      grantTypes: input.grant_types,
      authMethod: input.token_endpoint_auth_method,
      secrets: secret ? [{ hash: hashClientSecret(secret, deps.config.secretPepper) }] : [],
      jwks: input.jwks as ClientRecord['jwks'],
      scopes: input.scopes,
      resources: input.resources,
      defaultResource: input.default_resource,
      serves: input.serves,
      maxPriority: input.max_priority,
      deviceCodeTtl: input.device_code_ttl,
      federatedIdentities: input.federated_identities,
      disabled: input.disabled,
    });
    return secret ? { record, once: { client_secret: secret } } : { record };
  },
  async insert(deps, record) {
    if (!(await deps.clients.create(record))) throw new AppError('conflict', `client "${record.clientId}" already exists`, { field: 'client_id' });
  },
});

/** GET /admin/clients/:id */
export const getClientRoute = getRecordRoute(clientKind, 'Read a client, with when it last got a token');

/**
 * PATCH /admin/clients/:id: only the fields sent change; `null` clears `default_resource` and
 * `max_priority`. A change shows in other processes within their client cache time.
 */
export const updateClientRoute = updateRecordRoute(clientKind, {
  summary: 'Change a client (null clears a field)',
  body: clientChanges,
  refuse(current, changes, caller) {
    if (changes.disabled === true && current.clientId === caller.clientId)
      throw new AppError('conflict', 'an admin client cannot disable itself', { field: 'disabled' });
  },
  apply(next, changes) {
    patch(next, {
      name: changes.name,
      description: changes.description,
      grantTypes: changes.grant_types,
      scopes: changes.scopes,
      resources: changes.resources,
      disabled: changes.disabled,
      defaultResource: changes.default_resource,
      maxPriority: changes.max_priority,
      deviceCodeTtl: changes.device_code_ttl,
      jwks: changes.jwks as unknown as ClientRecord['jwks'],
      // An empty list clears the field: records leave out what is not there.
      serves: changes.serves?.length === 0 ? null : changes.serves,
      federatedIdentities: changes.federated_identities?.length === 0 ? null : changes.federated_identities,
    });
  },
  save: (deps, next) => deps.clients.save(next),
});

/**
 * DELETE /admin/clients/:id: revokes every grant of the client (its refresh tokens stop at
 * once), then removes it. JWT access tokens it already holds stay valid at resource servers
 * that verify offline until they expire; the client can get no new ones.
 */
export const deleteClientRoute = deleteRecordRoute(clientKind, {
  summary: 'Delete a client and revoke its grants',
  refuse(record, _deps, caller) {
    if (record.clientId === caller.clientId) throw new AppError('conflict', 'an admin client cannot delete itself');
  },
  remove: (deps, id) => deps.clients.delete(id),
});
