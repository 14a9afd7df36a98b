import type { ResourceServer, TokenEndpointGrantContext } from 'oidc-provider';

import { grantTypes, type ClientRecord } from '../clients/client-record.ts';
import type { MaxPriority } from '../principals/max-priority.ts';
import { exchangedClaims } from './exchanged-claims.ts';
import { refused, type SubjectToken } from './subject-token.ts';

export interface ExchangedToken {
  value: string;
  expiresIn: number;
  scope: string | undefined;
}

/**
 * Issues the RFC 9068 JWT for the acting client: `sub` the person, `act` the client (RFC 8693
 * §4.1), `aud` the target, under the person's grant so that ending the login ends this token
 * too, and never outliving the subject token.
 */
export async function issueExchangedToken(
  ctx: TokenEndpointGrantContext,
  { subject, acting, target, server, personMaxPriority }: { subject: SubjectToken; acting: ClientRecord; target: string; server: ResourceServer; personMaxPriority: MaxPriority | undefined },
): Promise<ExchangedToken> {
  const { provider, client, params } = ctx.oidc;
  const remaining = subject.claims.exp - Math.floor(Date.now() / 1000);
  if (remaining < 1) throw refused('subject_token has expired');
  const serverScopes = new Set(server.scope?.split(' '));
  const scope = String(params.scope ?? '').split(' ').filter((name) => serverScopes.has(name)).join(' ') || undefined;

  const token = new provider.AccessToken({
    client,
    accountId: subject.claims.sub,
    grantId: subject.grantId,
    gty: grantTypes.tokenExchange,
    scope,
    expiresIn: Math.min(server.accessTokenTTL ?? remaining, remaining),
    // Read back by extraTokenClaims (token-claims.ts): an exchange decides these claims itself.
    extra: exchangedClaims(acting.clientId, subject.claims.act, personMaxPriority, acting.maxPriority),
  });
  token.resourceServer = new provider.ResourceServer(target, server);
  ctx.oidc.entity('AccessToken', token);
  const value = await token.save();
  return { value, expiresIn: token.expiration, scope: token.scope };
}
