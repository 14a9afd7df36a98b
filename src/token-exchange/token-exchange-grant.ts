import { errors } from 'oidc-provider';

import type { AccountRecord } from '../accounts/account-record.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import { grantTypes } from '../clients/client-record.ts';
import type { MaxPriority } from '../principals/max-priority.ts';
import { randomPoolBytes } from '../kernel/random-pool.ts';
import type { ExtraGrant } from '../provider/grant-types.ts';
import type { ResourceServerPolicy } from '../provider/resource-server-policy.ts';
import { isOwnAudience } from '../resources/own-audiences.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import { exchangeParameters, readExchangeRequest, repeatableParameters, tokenTypes } from './exchange-request.ts';
import { issueExchangedToken } from './issue-exchanged-token.ts';
import type { SubjectTokenVerifier } from './subject-token.ts';

export interface TokenExchangeDeps {
  clients: ClientRegistry;
  resourcePolicy: ResourceServerPolicy;
  resources: ResourceRegistry;
  verifySubjectToken: SubjectTokenVerifier;
  /** Writes the tie of a token about to be issued to its grant (provider/access-token-grants.ts). */
  recordAhead: (jti: string, grantId: string, expiresAt: number) => Promise<void>;
  /** The person's effective map: their own merged with their identity provider's rules (SPEC §13). */
  maxPriorityOf: (account: AccountRecord) => MaxPriority | undefined;
}

/**
 * RFC 8693 token exchange: a service that received a person's token gets its own token for a
 * downstream API, acting for that person. oidc-provider has authenticated the client and
 * checked that its grant_types allow this grant before the handler runs.
 */
export function createTokenExchangeGrant(deps: TokenExchangeDeps): ExtraGrant {
  return {
    grantType: grantTypes.tokenExchange,
    parameters: exchangeParameters,
    duplicates: repeatableParameters,
    async handler(ctx) {
      const { client, params, provider } = ctx.oidc;
      const acting = await deps.clients.get(client.clientId);
      if (!acting || client.clientAuthMethod === 'none') throw new errors.UnauthorizedClient('token exchange is for confidential clients only');
      const request = readExchangeRequest(params);
      // The new token's tie to the person's grant goes out with the liveness reads: one round trip.
      const jti = randomPoolBytes(32).toString('base64url');
      const subject = await deps.verifySubjectToken(provider, request.subjectToken, acting, (grantId, exp) => deps.recordAhead(jti, grantId, exp));

      const target = request.target ?? acting.defaultResource;
      if (!target) throw new errors.InvalidTarget('name the downstream API with resource (or audience): this client has no default resource');
      // SPEC §14: a token for tollgate's own APIs is never derived from another one.
      if (isOwnAudience(target)) throw new errors.InvalidTarget("tollgate's own APIs are never a token-exchange target");
      const scopeRequested = Boolean(params.scope);
      const [server, subjectApiScopes] = await Promise.all([
        deps.resourcePolicy.getResourceServerInfo(ctx, target, client),
        scopesOfApis(deps.resources, subject.audiences),
      ]);
      const issued = await issueExchangedToken(ctx, {
        jti,
        subject,
        acting,
        target,
        server,
        personMaxPriority: deps.maxPriorityOf(subject.account),
        subjectApiScopes,
        scopeRequested,
      });

      // RFC 8693 §2.2.1; no refresh token: the service exchanges the person's token again.
      ctx.body = {
        access_token: issued.value,
        issued_token_type: tokenTypes.accessToken,
        token_type: 'Bearer',
        expires_in: issued.expiresIn,
        ...(issued.scope ? { scope: issued.scope } : {}),
      };
    },
  };
}

async function scopesOfApis(resources: ResourceRegistry, identifiers: readonly string[]): Promise<ReadonlySet<string>> {
  const servers = await Promise.all(identifiers.map((identifier) => resources.get(identifier)));
  return new Set(servers.flatMap((server) => server?.scopes ?? []));
}
