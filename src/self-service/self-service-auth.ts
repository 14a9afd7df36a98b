import { errors as joseErrors, jwtVerify } from 'jose';

import type { AccountRecord } from '../accounts/account-record.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import { AppError } from '../errors.ts';
import { publicKeySet, type SigningKeys } from '../keys/signing-keys.ts';
import { selfServiceResource, signingAlgs } from '../resources/resource-server-record.ts';

const realm = 'tollgate-self-service';

function authError(code: 'unauthorized' | 'forbidden', bearerError: string | undefined, message: string): AppError {
  const params = [`realm="${realm}"`];
  // RFC 6750 §3: error_description is a quoted string without `"` or `\`.
  if (bearerError) params.push(`error="${bearerError}"`, `error_description="${message.replace(/["\\]/g, "'")}"`);
  if (bearerError === 'insufficient_scope') params.push(`scope="${selfServiceResource.scope}"`);
  return new AppError(code, message, { headers: { 'www-authenticate': `Bearer ${params.join(', ')}` } });
}

/**
 * Maintainers present their own tollgate access token (from `tollgate login --resource
 * urn:tollgate:self-service`): a JWT for the self-service audience with scope `self-service`,
 * verified against our keys, whose subject is a person (never a client, never a resource
 * token) with an enabled account, read afresh on every request.
 */
export function createSelfServiceAuth({ issuer, signingKeys, accounts }: { issuer: string; signingKeys: SigningKeys; accounts: AccountStore }) {
  const keySet = publicKeySet(signingKeys);

  return async function authenticate(authorization: string | undefined): Promise<AccountRecord> {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization ?? '');
    if (!match) throw authError('unauthorized', undefined, `a bearer token for ${selfServiceResource.identifier} is required (tollgate login --resource ${selfServiceResource.identifier})`);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(match[1] as string, keySet, { issuer, audience: selfServiceResource.identifier, typ: 'at+jwt', algorithms: [...signingAlgs] }));
    } catch (error) {
      throw authError('unauthorized', 'invalid_token', error instanceof joseErrors.JWTExpired ? 'the access token has expired' : 'the access token is not valid for this API');
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    if (!scopes.includes(selfServiceResource.scope)) throw authError('forbidden', 'insufficient_scope', `the access token lacks the "${selfServiceResource.scope}" scope`);
    const sub = String(payload.sub ?? '');
    const account = sub && sub !== payload.client_id ? await accounts.get(sub) : undefined;
    if (!account || account.disabled) throw authError('unauthorized', 'invalid_token', 'the access token is not a person\'s, or the account is disabled or gone');
    return account;
  };
}
