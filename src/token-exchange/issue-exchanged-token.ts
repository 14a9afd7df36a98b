import { errors, type ResourceServer, type TokenEndpointGrantContext } from 'oidc-provider';

import { grantTypes, type ClientRecord } from '../clients/client-record.ts';
import { presetJwtAccessTokenId } from '../kernel/provider-internals.ts';
import type { MaxPriority } from '../principals/max-priority.ts';
import { exchangedClaims, narrowMaxPriority } from './exchanged-claims.ts';
import { refused, type SubjectToken } from './subject-token.ts';

export interface ExchangedToken {
  value: string;
  expiresIn: number;
  scope: string | undefined;
}

export interface ExchangeInputs {
  /** The new token's id, chosen before the liveness reads so that its tie to the grant went out with them. */
  jti: string;
  subject: SubjectToken;
  acting: ClientRecord;
  target: string;
  server: ResourceServer;
  personMaxPriority: MaxPriority | undefined;
  /** Every scope the subject token's own API(s) define: those it lacks, it was not given. */
  subjectApiScopes: ReadonlySet<string>;
  /** Whether the client named its scopes (else it asked for all it may have there). */
  scopeRequested: boolean;
}

/**
 * Issues the RFC 9068 JWT for the acting client: `sub` the person, `act` the client (RFC 8693
 * §4.1), `aud` the target, under the person's grant so that ending the login ends this token
 * too, and never outliving the subject token. Every hop only narrows (SPEC §14): the scopes are
 * those the acting client may have at the target, less any scope the subject token could have
 * carried and did not; max_priority is within the person's, the acting client's and the subject
 * token's own.
 */
export async function issueExchangedToken(
  ctx: TokenEndpointGrantContext,
  { jti, subject, acting, target, server, personMaxPriority, subjectApiScopes, scopeRequested }: ExchangeInputs,
): Promise<ExchangedToken> {
  const { provider, client, params } = ctx.oidc;
  const remaining = subject.claims.exp - Math.floor(Date.now() / 1000);
  if (remaining < 1) throw refused('subject_token has expired');
  const serverScopes = new Set(server.scope?.split(' '));
  const subjectScopes = new Set(subject.scopes);
  const candidates = String(params.scope ?? '')
    .split(' ')
    .filter((name) => serverScopes.has(name));
  const beyondSubject = candidates.filter((name) => subjectApiScopes.has(name) && !subjectScopes.has(name));
  if (scopeRequested && beyondSubject.length > 0) throw new errors.InvalidScope('the subject token does not carry this scope', beyondSubject.join(' '));
  const scope = candidates.filter((name) => !beyondSubject.includes(name)).join(' ') || undefined;
  const maxPriority = narrowMaxPriority(personMaxPriority, acting.maxPriority, subject.maxPriority);

  const token = new provider.AccessToken({
    client,
    accountId: subject.claims.sub,
    grantId: subject.grantId,
    gty: grantTypes.tokenExchange,
    scope,
    expiresIn: Math.min(server.accessTokenTTL ?? remaining, remaining),
    // Read back by extraTokenClaims (token-claims.ts): an exchange decides these claims itself.
    extra: exchangedClaims(acting.clientId, subject.claims.act, maxPriority),
  });
  token.resourceServer = new provider.ResourceServer(target, server);
  presetJwtAccessTokenId(token, jti);
  ctx.oidc.entity('AccessToken', token);
  const value = await token.save();
  return { value, expiresIn: token.expiration, scope: token.scope };
}
