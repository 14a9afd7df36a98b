import { randomBytes } from 'node:crypto';

import type { AccountStore } from '../accounts/account-store.ts';
import { hashPassword } from '../accounts/password-hash.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import { generateClientSecret, hashClientSecret } from '../clients/client-secret.ts';
import { grantTypes } from '../clients/client-record.ts';
import type { ClientFields } from '../clients/new-client-record.ts';
import { newClientRecord } from '../clients/new-client-record.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import { selfServiceResource } from '../resources/resource-server-record.ts';

export const demoResource = 'urn:tollgate:demo';

export interface DemoPrincipals {
  clientId: string;
  clientSecret: string;
  deviceClientId: string;
  username: string;
  password: string;
}

/**
 * The principals a newcomer tries tollgate with: a service client `demo`, a device client
 * `demo-cli` and an account `demo`. Written on every start so the printed secret and password
 * are the ones that work (random unless configured).
 */
export async function ensureDemoPrincipals(
  deps: { clients: ClientRegistry; accounts: AccountStore; resources: ResourceRegistry; secretPepper: string | undefined },
  fixed: { secret?: string | undefined; password?: string | undefined },
): Promise<DemoPrincipals> {
  const now = new Date().toISOString();
  const clientSecret = fixed.secret ?? generateClientSecret();
  const password = fixed.password ?? randomBytes(12).toString('base64url');

  const existingResource = await deps.resources.get(demoResource);
  await deps.resources.save({
    identifier: demoResource,
    name: 'Demo API',
    scopes: ['demo:read', 'demo:write'],
    signingAlg: 'ES256',
    createdAt: existingResource?.createdAt ?? now,
    updatedAt: now,
  });

  const common = { scopes: ['demo:read', 'demo:write'], resources: [demoResource], defaultResource: demoResource };
  // Rewritten on every start, but keeps the first start's createdAt.
  const saveClient = async (fields: Omit<ClientFields, 'createdAt'>) =>
    deps.clients.save(newClientRecord({ ...common, ...fields, createdAt: (await deps.clients.get(fields.clientId))?.createdAt }, now));
  await saveClient({
    clientId: 'demo',
    name: 'Demo service',
    description: 'Demo confidential client for the client-credentials grant',
    grantTypes: [grantTypes.clientCredentials],
    authMethod: 'client_secret_basic',
    secrets: [{ hash: hashClientSecret(clientSecret, deps.secretPepper) }],
    maxPriority: { default: 5 },
  });
  await saveClient({
    clientId: 'demo-cli',
    name: 'Demo CLI',
    description: 'Demo public client for device login',
    grantTypes: [grantTypes.deviceCode, grantTypes.refreshToken],
    authMethod: 'none',
    // Maintainers log in for the self-service API too (tollgate login --resource urn:tollgate:self-service).
    scopes: [...common.scopes, selfServiceResource.scope],
    resources: [...common.resources, selfServiceResource.identifier],
  });

  const passwordHash = await hashPassword(password);
  const account = await deps.accounts.get('demo');
  const record = {
    id: 'demo',
    username: 'demo',
    passwordHash,
    name: 'Demo User',
    maxPriority: { default: 3 },
    disabled: false,
    createdAt: account?.createdAt ?? now,
    updatedAt: now,
  };
  if (account) await deps.accounts.save({ ...account, passwordHash, disabled: false }, account.username);
  else if (!(await deps.accounts.create(record))) throw new Error('the username "demo" belongs to another account; disable the demo (TOLLGATE_DEMO=false)');

  return { clientId: 'demo', clientSecret, deviceClientId: 'demo-cli', username: 'demo', password };
}
