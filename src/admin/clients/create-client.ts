import { randomBytes } from 'node:crypto';

import { usesClientSecret, type ClientRecord } from '../../clients/client-record.ts';
import { checkClient } from '../../clients/client-rules.ts';
import { generateClientSecret, hashClientSecret } from '../../clients/client-secret.ts';
import { AppError } from '../../errors.ts';
import { parseMaxPriority } from '../../principals/max-priority.ts';
import type { AdminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { parseInput } from '../../parse-input.ts';
import { newClient } from './client-input.ts';
import { clientView } from './client-view.ts';


/** POST /admin/clients: the generated secret is in this response and nowhere else, ever. */
export const createClientRoute: AdminRoute = {
  method: 'POST',
  path: '/clients',
  async handle({ body, caller }, deps) {
    const input = parseInput(newClient, body);
    const now = new Date().toISOString();
    const clientId = input.client_id ?? randomBytes(10).toString('hex');
    const secret = usesClientSecret(input.token_endpoint_auth_method) ? generateClientSecret() : undefined;
    const record: ClientRecord = {
      clientId,
      name: input.name ?? clientId,
      description: input.description,
      grantTypes: input.grant_types,
      authMethod: input.token_endpoint_auth_method,
      secrets: secret ? [{ hash: hashClientSecret(secret, deps.config.secretPepper) }] : [],
      ...(input.jwks ? { jwks: input.jwks as unknown as ClientRecord['jwks'] } : {}),
      scopes: input.scopes,
      resources: input.resources,
      ...(input.default_resource ? { defaultResource: input.default_resource } : {}),
      ...(input.max_priority !== undefined ? { maxPriority: parseMaxPriority(input.max_priority) } : {}),
      ...(input.device_code_ttl !== undefined ? { deviceCodeTtl: input.device_code_ttl } : {}),
      disabled: input.disabled,
      createdAt: now,
      updatedAt: now,
    };
    await checkClient(record, deps.resources);
    if (!(await deps.clients.create(record))) throw new AppError('conflict', `client "${clientId}" already exists`, { field: 'client_id' });
    audit(deps, caller, 'client.create', { clientId });
    return { status: 201, body: { ...clientView(record, undefined), ...(secret ? { client_secret: secret } : {}) } };
  },
};
