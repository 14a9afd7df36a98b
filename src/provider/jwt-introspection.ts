import { jwtVerify, type JWTPayload } from 'jose';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';

import { publicKeySet, type SigningKeys } from '../keys/signing-keys.ts';
import type { AccessTokenLiveness } from './access-token-liveness.ts';
import type { IntrospectedToken } from './introspection-policy.ts';
import { renderProtocolError } from '../http/render-protocol-error.ts';

type Next = () => Promise<unknown>;

export interface JwtIntrospectionDeps {
  issuer: string;
  signingKeys: SigningKeys;
  liveness: AccessTokenLiveness;
  mayIntrospect(callerId: string, token: IntrospectedToken): Promise<boolean>;
}

const inactive = { active: false } as const;

/**
 * oidc-provider refuses to introspect structured (JWT) access tokens with
 * `unsupported_token_type`; ours are all JWTs, so after it has authenticated the caller we
 * answer instead (RFC 7662 §2.2): active with the token's claims when the signature, issuer,
 * type and expiry verify, its client and account are still enabled, its grant is not revoked,
 * and the caller may see it.
 */
export function createJwtIntrospection(deps: JwtIntrospectionDeps) {
  const publicKeys = publicKeySet(deps.signingKeys);

  async function describe(ctx: KoaContextWithOIDC, token: string, callerId: string): Promise<Record<string, unknown>> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, publicKeys, { issuer: deps.issuer, typ: 'at+jwt' }));
    } catch {
      return inactive;
    }
    const clientId = typeof payload.client_id === 'string' ? payload.client_id : undefined;
    if (!clientId || !(await deps.mayIntrospect(callerId, { kind: 'AccessToken', clientId, aud: payload.aud }))) return inactive;
    if (!(await deps.liveness.isLive(ctx.oidc.provider, payload, clientId))) return inactive;
    return { ...payload, active: true, token_type: 'Bearer' };
  }

  return async function introspectJwt(ctx: KoaContextWithOIDC, next: Next) {
    await next();
    if (ctx.oidc?.route !== 'introspection' || (ctx.body as { error?: string } | undefined)?.error !== 'unsupported_token_type') return;
    const caller = ctx.oidc.client;
    if (!caller || caller.clientAuthMethod === 'none') return;
    try {
      const answer = await describe(ctx, String(ctx.oidc.params?.token), caller.clientId);
      ctx.status = 200;
      ctx.body = answer;
    } catch (error) {
      // Storage unreachable: a 503 temporarily_unavailable, rendered like oidc-provider's own.
      if (!(error instanceof errors.OIDCProviderError)) throw error;
      renderProtocolError(ctx, error);
    }
  };
}
