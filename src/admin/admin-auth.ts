import type { AccountStore } from '../accounts/account-store.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import type { SigningKeys } from '../keys/signing-keys.ts';
import { adminResource } from '../resources/resource-server-record.ts';
import type { AdminCaller } from './admin-route.ts';
import { bearerAuthError, createBearerVerifier, type BearerApi } from './bearer-auth.ts';

const adminApi: BearerApi = {
  realm: 'tollgate-admin',
  resource: adminResource,
  missingToken: 'a bearer token with scope "admin" is required',
  invalidToken: 'the access token is not valid for this server',
};
const invalidToken = (message: string) => bearerAuthError(adminApi, 'unauthorized', 'invalid_token', message);

export interface AdminAuthDeps {
  issuer: string;
  signingKeys: SigningKeys;
  clients: ClientRegistry;
  accounts: AccountStore;
}

/**
 * Admin callers present a tollgate-issued JWT access token (RFC 9068) for the admin resource
 * with scope `admin`. It is verified here against our own keys, without a network round trip,
 * and its client (and account, for a person's token) must still exist and be enabled.
 */
export function createAdminAuth({ issuer, signingKeys, clients, accounts }: AdminAuthDeps) {
  const verify = createBearerVerifier(adminApi, { issuer, signingKeys });

  return async function authenticate(authorization: string | undefined): Promise<AdminCaller> {
    const payload = await verify(authorization);
    // A token derived by exchange (RFC 8693 act) never acts on tollgate itself (SPEC §14).
    if (payload.act !== undefined) throw invalidToken('a token obtained by token exchange is not accepted by the admin API');
    const clientId = String(payload.client_id ?? '');
    const sub = String(payload.sub ?? '');
    const client = await clients.get(clientId);
    if (!client || client.disabled || !client.resources.includes(adminResource.identifier)) {
      throw invalidToken('the client of this access token is disabled or no longer an admin client');
    }
    // A client-credentials token's subject is its client; any other subject is a person.
    if (sub !== clientId || !client.grantTypes.includes('client_credentials')) {
      const account = await accounts.get(sub);
      if (!account || account.disabled) throw invalidToken('the account of this access token is disabled or gone');
    }
    return { clientId, sub };
  };
}
