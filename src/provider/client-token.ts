import { errors, type KoaContextWithOIDC } from 'oidc-provider';

import type { ResourceServerPolicy } from './resource-server-policy.ts';

/**
 * Issues the token the client-credentials grant issues (RFC 6749 §4.4, as oidc-provider's
 * lib/actions/grants/client_credentials.js does): `sub` = the client, one resource named by
 * `resource`/`audience` or the client's default, scopes by our resource-server policy, claims
 * (max_priority) by extraTokenClaims. For grants whose principal is the client itself once the
 * grant has established who the client is (jwt-bearer). DPoP, mTLS and RAR are not enabled here.
 */
export function createClientTokenIssuer(resourcePolicy: ResourceServerPolicy) {
  return async function issueClientToken(ctx: KoaContextWithOIDC): Promise<void> {
    const { client, params, provider } = ctx.oidc;
    if (!client || !params) throw new Error('issueClientToken runs inside the token endpoint');
    let resource = params.resource as string | string[] | undefined;
    if (Array.isArray(resource)) {
      if (resource.length !== 1) throw new errors.InvalidTarget('only a single resource indicator value is supported for this grant type');
      resource = resource[0];
    }
    resource ??= (await resourcePolicy.defaultResource(ctx, client)) as string | undefined;
    if (typeof resource !== 'string' || !URL.canParse(resource) || resource.includes('#')) {
      throw new errors.InvalidTarget('resource indicator must be an absolute URI without a fragment');
    }
    const info = await resourcePolicy.getResourceServerInfo(ctx, resource, client);
    const resourceServer = new provider.ResourceServer(resource, info);
    // The policy has checked the requested scopes (or filled in the client's) on params.scope.
    const requested = String(params.scope ?? '')
      .split(' ')
      .filter(Boolean);
    const scope = requested.filter((value) => resourceServer.scopes.has(value)).join(' ') || undefined;

    const token = new provider.ClientCredentials({ client, resourceServer, scope });
    ctx.oidc.entity('ClientCredentials', token);
    const accessToken = await token.save();
    ctx.body = {
      access_token: accessToken,
      expires_in: token.expiration,
      token_type: token.tokenType,
      ...(token.scope ? { scope: token.scope } : {}),
    };
  };
}
