import { errors as joseErrors, jwtVerify } from 'jose';

import { AppError } from '../errors.ts';
import { publicKeySet, type SigningKeys } from '../keys/signing-keys.ts';
import { signingAlgs } from '../resources/resource-server-record.ts';

/** One of tollgate's own APIs (admin, self-service): who it answers as, and the token it wants. */
export interface BearerApi {
  realm: string;
  resource: { readonly identifier: string; readonly scope: string };
  /** What a request without a bearer token is told. */
  missingToken: string;
  /** What a token that does not verify (signature, issuer, audience, type) is told. */
  invalidToken: string;
}

/** A 401/403 of such an API with its RFC 6750 §3 WWW-Authenticate challenge. */
export function bearerAuthError(api: BearerApi, code: 'unauthorized' | 'forbidden', bearerError: string | undefined, message: string): AppError {
  const params = [`realm="${api.realm}"`];
  // RFC 6750 §3: error_description is a quoted string without `"` or `\`.
  if (bearerError) params.push(`error="${bearerError}"`, `error_description="${message.replace(/["\\]/g, "'")}"`);
  if (bearerError === 'insufficient_scope') params.push(`scope="${api.resource.scope}"`);
  return new AppError(code, message, { headers: { 'www-authenticate': `Bearer ${params.join(', ')}` } });
}

/**
 * The claims of the request's access token: a tollgate-issued JWT (RFC 9068) for the API's
 * resource with its scope, verified against our own keys without a network round trip.
 * Anything else is refused with the challenge; who the token names is the caller's to check.
 */
export function createBearerVerifier(api: BearerApi, { issuer, signingKeys }: { issuer: string; signingKeys: SigningKeys }) {
  const keySet = publicKeySet(signingKeys);
  return async function verify(authorization: string | undefined): Promise<Record<string, unknown>> {
    // RFC 6750 §3.1: a request without credentials gets a challenge and no error code.
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization ?? '');
    if (!match) throw bearerAuthError(api, 'unauthorized', undefined, api.missingToken);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(match[1] as string, keySet, { issuer, audience: api.resource.identifier, typ: 'at+jwt', algorithms: [...signingAlgs] }));
    } catch (error) {
      throw bearerAuthError(api, 'unauthorized', 'invalid_token', error instanceof joseErrors.JWTExpired ? 'the access token has expired' : api.invalidToken);
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    if (!scopes.includes(api.resource.scope))
      throw bearerAuthError(api, 'forbidden', 'insufficient_scope', `the access token lacks the "${api.resource.scope}" scope`);
    return payload;
  };
}
