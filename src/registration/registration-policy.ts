import { errors, type KoaContextWithOIDC } from 'oidc-provider';

import type { PendingRegistrations } from './pending-registrations.ts';
import type { RegistrationTermsStore } from './registration-terms.ts';

export const registrationPolicyName = 'tollgate-terms';

type Properties = Record<string, unknown>;

/**
 * The policy every initial access token carries (and passes on to the registration access
 * token): fits the requested metadata to what tollgate issues and to the admin's terms.
 */
export function createRegistrationPolicy(terms: RegistrationTermsStore, pending: PendingRegistrations) {
  return async function applyRegistrationTerms(ctx: KoaContextWithOIDC, properties: Properties) {
    // This server issues no authorization codes: nothing is redirected anywhere.
    for (const name of ['redirect_uris', 'response_types'] as const) {
      const value = properties[name];
      if (Array.isArray(value) && value.length > 0) throw new errors.InvalidClientMetadata(`${name} must be empty: this server has no redirect-based flows`);
      properties[name] = [];
    }
    if (properties.jwks_uri !== undefined) throw new errors.InvalidClientMetadata('jwks_uri is not supported; send the public keys as jwks');

    const initialAccessToken = ctx.oidc.entities.InitialAccessToken as { jti: string } | undefined;
    if (!initialAccessToken) {
      // RFC 7592 update: the client store keeps what the admin granted and checks the rest.
      properties.grant_types ??= ctx.oidc.client?.grantTypes;
      delete properties.scope;
      return;
    }

    const granted = await terms.load(initialAccessToken.jti);
    if (!granted) throw new errors.InvalidToken('the initial access token has expired or was revoked');
    properties.grant_types ??= granted.grantTypes;
    const requestedGrants = properties.grant_types;
    if (!Array.isArray(requestedGrants) || requestedGrants.some((grant) => !granted.grantTypes.includes(grant))) {
      throw new errors.InvalidClientMetadata(`grant_types must be among: ${granted.grantTypes.join(' ')}`);
    }

    // RFC 7591 §2: `scope` narrows what the client asks for, within the admin's terms.
    let scopes = granted.scopes;
    if (typeof properties.scope === 'string') {
      const requested = properties.scope.split(' ').filter(Boolean);
      const refused = requested.filter((scope) => !granted.scopes.includes(scope));
      if (refused.length > 0) throw new errors.InvalidClientMetadata(`scope not allowed by the initial access token: ${refused.join(' ')}`);
      scopes = requested;
    }
    // oidc-provider checks `scope` against its own (OpenID) scopes; API scopes live in our record.
    delete properties.scope;

    pending.put(String(properties.client_id), { terms: { ...granted, scopes }, initialAccessTokenId: initialAccessToken.jti });
  };
}
