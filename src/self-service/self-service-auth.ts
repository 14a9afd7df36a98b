import type { AccountRecord } from '../accounts/account-record.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import { bearerAuthError, createBearerVerifier, type BearerApi } from '../admin/bearer-auth.ts';
import type { SigningKeys } from '../keys/signing-keys.ts';
import { selfServiceResource } from '../resources/resource-server-record.ts';

const selfServiceApi: BearerApi = {
  realm: 'tollgate-self-service',
  resource: selfServiceResource,
  missingToken: `a bearer token for ${selfServiceResource.identifier} is required (tollgate login --resource ${selfServiceResource.identifier})`,
  invalidToken: 'the access token is not valid for this API',
};
const invalidToken = (message: string) => bearerAuthError(selfServiceApi, 'unauthorized', 'invalid_token', message);

/**
 * Maintainers present their own tollgate access token (from `tollgate login --resource
 * urn:tollgate:self-service`): a JWT for the self-service audience with scope `self-service`,
 * verified against our keys, whose subject is a person (never a client, never a resource
 * token) with an enabled account, read afresh on every request.
 */
export function createSelfServiceAuth({ issuer, signingKeys, accounts }: { issuer: string; signingKeys: SigningKeys; accounts: AccountStore }) {
  const verify = createBearerVerifier(selfServiceApi, { issuer, signingKeys });

  return async function authenticate(authorization: string | undefined): Promise<AccountRecord> {
    const payload = await verify(authorization);
    const sub = String(payload.sub ?? '');
    const account = sub && sub !== payload.client_id ? await accounts.get(sub) : undefined;
    if (!account || account.disabled) throw invalidToken("the access token is not a person's, or the account is disabled or gone");
    return account;
  };
}
