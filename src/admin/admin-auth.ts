import { errors as joseErrors, jwtVerify } from 'jose';

import type { AccountStore } from '../accounts/account-store.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import { AppError } from '../errors.ts';
import { publicKeySet, type SigningKeys } from '../keys/signing-keys.ts';
import { adminResource, signingAlgs } from '../resources/resource-server-record.ts';
import type { AdminCaller } from './admin-route.ts';

const realm = 'tollgate-admin';

/** A 401/403 of the admin API with its RFC 6750 §3 WWW-Authenticate challenge. */
function adminAuthError(code: 'unauthorized' | 'forbidden', bearerError: string | undefined, message: string): AppError {
  const params = [`realm="${realm}"`];
  // RFC 6750 §3: error_description is a quoted string without `"` or `\`.
  if (bearerError) params.push(`error="${bearerError}"`, `error_description="${message.replace(/["\\]/g, "'")}"`);
  if (bearerError === 'insufficient_scope') params.push(`scope="${adminResource.scope}"`);
  return new AppError(code, message, { headers: { 'www-authenticate': `Bearer ${params.join(', ')}` } });
}

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
  const keySet = publicKeySet(signingKeys);

  return async function authenticate(authorization: string | undefined): Promise<AdminCaller> {
    // RFC 6750 §3.1: a request without credentials gets a challenge and no error code.
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization ?? '');
    if (!match) throw adminAuthError('unauthorized', undefined, 'a bearer token with scope "admin" is required');

    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(match[1] as string, keySet, {
        issuer,
        audience: adminResource.identifier,
        typ: 'at+jwt',
        algorithms: [...signingAlgs],
      }));
    } catch (error) {
      const message = error instanceof joseErrors.JWTExpired ? 'the access token has expired' : 'the access token is not valid for this server';
      throw adminAuthError('unauthorized', 'invalid_token', message);
    }

    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    if (!scopes.includes(adminResource.scope)) {
      throw adminAuthError('forbidden', 'insufficient_scope', `the access token lacks the "${adminResource.scope}" scope`);
    }
    // A token derived by exchange (RFC 8693 act) never acts on tollgate itself (SPEC §14).
    if (payload.act !== undefined) throw adminAuthError('unauthorized', 'invalid_token', 'a token obtained by token exchange is not accepted by the admin API');
    const clientId = String(payload.client_id ?? '');
    const sub = String(payload.sub ?? '');
    const client = await clients.get(clientId);
    if (!client || client.disabled || !client.resources.includes(adminResource.identifier)) {
      throw adminAuthError('unauthorized', 'invalid_token', 'the client of this access token is disabled or no longer an admin client');
    }
    // A client-credentials token's subject is its client; any other subject is a person.
    if (sub !== clientId || !client.grantTypes.includes('client_credentials')) {
      const account = await accounts.get(sub);
      if (!account || account.disabled) throw adminAuthError('unauthorized', 'invalid_token', 'the account of this access token is disabled or gone');
    }
    return { clientId, sub };
  };
}
