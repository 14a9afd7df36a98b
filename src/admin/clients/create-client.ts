import { randomBytes } from 'node:crypto';

import { usesClientSecret, type ClientRecord } from '../../clients/client-record.ts';
import { checkClient } from '../../clients/client-rules.ts';
import { generateClientSecret, hashClientSecret } from '../../clients/client-secret.ts';
import { checkFederatedIssuers } from '../../clients/federated-identity-rules.ts';
import { newClientRecord } from '../../clients/new-client-record.ts';
import { AppError } from '../../errors.ts';
import type { AdminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { parseInput } from '../../parse-input.ts';
import { newClient } from './client-input.ts';
import { clientView } from './client-view.ts';
import { clientWithSecretSchema } from './client-view.ts';


/** POST /admin/clients: the generated secret is in this response and nowhere else, ever. */
export const createClientRoute: AdminRoute = {
  method: 'POST',
  path: '/clients',
  summary: 'Create a client; the answer alone holds its generated secret',
  body: newClient,
  responses: { 201: clientWithSecretSchema },
  async handle({ body, caller }, deps) {
    const input = parseInput(newClient, body);
    const clientId = input.client_id ?? randomBytes(10).toString('hex');
    const secret = usesClientSecret(input.token_endpoint_auth_method) ? generateClientSecret() : undefined;
    const record = newClientRecord({
      clientId,
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
    await checkClient(record, deps.resources);
    checkFederatedIssuers(record, deps.trustedIssuers);
    if (!(await deps.clients.create(record))) throw new AppError('conflict', `client "${clientId}" already exists`, { field: 'client_id' });
    audit(deps, caller, 'client.create', { clientId });
    return { status: 201, body: { ...clientView(record, undefined), ...(secret ? { client_secret: secret } : {}) } };
  },
};
