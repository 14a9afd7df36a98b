import type { ClientRecord } from '../clients/client-record.ts';
import { grantTypes } from '../clients/client-record.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import { hashClientSecret } from '../clients/client-secret.ts';
import { newClientRecord } from '../clients/new-client-record.ts';
import { adminResource } from '../resources/resource-server-record.ts';

const bootstrapAdminClientId = 'tollgate-admin';

/** A client that can get admin tokens: client credentials for the admin resource, enabled. */
function isAdminClient(record: ClientRecord): boolean {
  return !record.disabled && record.resources.includes(adminResource.identifier) && record.scopes.includes(adminResource.scope);
}

/** The record of an admin client authenticating with client_secret_basic and the given secret. */
export function adminClientRecord(clientId: string, name: string, secret: string, pepper: string | undefined): ClientRecord {
  return newClientRecord({
    clientId,
    name,
    description: 'Administers tollgate through /admin (client credentials, scope admin)',
    grantTypes: [grantTypes.clientCredentials],
    authMethod: 'client_secret_basic',
    secrets: [{ hash: hashClientSecret(secret, pepper) }],
    scopes: [adminResource.scope],
    resources: [adminResource.identifier],
    defaultResource: adminResource.identifier,
  });
}

/**
 * The documented way in (docs/production.md, "Bootstrap the first admin client"): with TOLLGATE_BOOTSTRAP_ADMIN_SECRET set and no
 * enabled admin client in storage, creates `tollgate-admin` with that secret. Once any admin
 * client exists this does nothing, so the variable can stay set (or be removed) afterwards.
 */
export async function bootstrapAdminClient(
  clients: ClientRegistry,
  secret: string | undefined,
  pepper: string | undefined,
): Promise<'created' | 'exists' | 'skipped'> {
  if (!secret) return 'skipped';
  if ((await clients.list()).some(isAdminClient)) return 'exists';
  const record = adminClientRecord(bootstrapAdminClientId, 'tollgate admin (bootstrap)', secret, pepper);
  if (await clients.create(record)) return 'created';
  // `tollgate-admin` exists but is disabled or no longer an admin client: the operator changed it on purpose.
  return 'exists';
}
