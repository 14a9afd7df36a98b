import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';

import type { AccountRecord } from '../accounts/account-record.ts';
import type { ClientRecord } from '../clients/client-record.ts';
import { publicKeySet, type SigningKeys } from '../keys/signing-keys.ts';
import { createVerificationMemo } from '../keys/verification-memo.ts';
import { maxPrioritySchema, type MaxPriority } from '../principals/max-priority.ts';
import type { AccessTokenLiveness } from '../provider/access-token-liveness.ts';
import { actorsOf } from './act-chain.ts';

/** A person's access token that the acting client may exchange. */
export interface SubjectToken {
  claims: JWTPayload & { sub: string; exp: number };
  /** The person's grant (login): the exchanged token is tied to it. */
  grantId: string;
  /** The person as stored now, so the exchanged token carries today's max_priority. */
  account: AccountRecord;
  /** The subject token's own grants: an exchange may only narrow them. */
  scopes: readonly string[];
  maxPriority: MaxPriority | undefined;
  /** Its `aud`: the APIs it was issued for. */
  audiences: readonly string[];
  /** The actors already in its `act` chain, the latest first. */
  actors: readonly string[];
}

export interface SubjectTokenDeps {
  issuer: string;
  signingKeys: SigningKeys;
  liveness: AccessTokenLiveness;
  /** The most actors a token may carry in its `act` chain (tokenExchange.maxChainDepth). */
  maxChainDepth: number;
}

/**
 * Verifies a `subject_token` (RFC 8693 §2.1) for an acting client: one of our JWT access
 * tokens (signature against our keys, `iss`, `typ`, expiry), issued to another client, for an
 * API the acting client serves, representing a person whose login and account still stand,
 * through actors who are all still enabled, with room left in its delegation chain. Anything
 * else is `invalid_request`, RFC 8693 §2.2.2's MUST for an invalid or unacceptable subject token.
 */
export function createSubjectTokenVerifier(deps: SubjectTokenDeps) {
  const publicKeys = publicKeySet(deps.signingKeys);
  const verified = createVerificationMemo<JWTPayload>();
  const options = { issuer: deps.issuer, typ: 'at+jwt', requiredClaims: ['sub', 'exp', 'jti', 'client_id', 'aud'] };

  /**
   * `tieAhead` is handed the person's grant and the subject token's `exp` as the liveness reads
   * go out, so that a write depending on them shares their round trip.
   */
  return async function verifySubjectToken(
    provider: Provider,
    token: string,
    acting: ClientRecord,
    tieAhead?: (grantId: string, exp: number) => Promise<unknown>,
  ): Promise<SubjectToken> {
    let claims: JWTPayload;
    try {
      claims = await verified.verify(
        token,
        publicKeys,
        async (getKey) => (await jwtVerify(token, getKey, options)).payload,
        (payload) => payload.exp,
      );
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw refused('subject_token has expired');
      throw refused('subject_token is not an access token issued by this server');
    }
    const { sub, exp, client_id: issuedTo } = claims;
    if (typeof sub !== 'string' || typeof exp !== 'number' || typeof issuedTo !== 'string') {
      throw refused('subject_token is not an access token issued by this server');
    }
    // Exchanging its own token would let a client trade up its own scopes and audiences.
    if (issuedTo === acting.clientId) throw refused('a client may not exchange a token that was issued to it');
    const audiences = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).filter((aud) => typeof aud === 'string');
    if (!audiences.some((aud) => acting.serves?.includes(aud))) {
      throw refused('subject_token was not issued for an API this client serves');
    }
    // A client-credentials token has no person behind it to act for.
    if (sub === issuedTo) throw refused('subject_token does not represent a person');
    const actors = actorsOf(claims.act);
    if (!actors) throw refused('subject_token has a malformed act claim');
    if (actors.length + 1 > deps.maxChainDepth) {
      throw refused(`subject_token has already passed through ${actors.length} services; at most ${deps.maxChainDepth} may act in a chain`);
    }
    const maxPriority = claims.max_priority === undefined ? undefined : maxPrioritySchema.safeParse(claims.max_priority);
    if (maxPriority && !maxPriority.success) throw refused('subject_token has a malformed max_priority claim');
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];

    const [clientEnabled, person] = await Promise.all([
      deps.liveness.clientEnabled(issuedTo),
      deps.liveness.livePerson(provider, claims, tieAhead && ((grantId) => tieAhead(grantId, exp))),
    ]);
    if (!clientEnabled || !person) throw refused('subject_token has been revoked, or its person, client or an actor is disabled');
    return { claims: { ...claims, sub, exp }, grantId: person.grantId, account: person.account, audiences, scopes, maxPriority: maxPriority?.data, actors };
  };
}

/**
 * RFC 8693 §2.2.2: "If ... the subject_token ... [is] invalid for any reason, or [is]
 * unacceptable based on policy, the invalid_request error code MUST be used." The description
 * says why: the acting client holds the token and needs to know whether to log the person in again.
 */
export function refused(description: string): InstanceType<typeof errors.InvalidRequest> {
  const error = new errors.InvalidRequest(description);
  error.error_description = description;
  return error;
}

export type SubjectTokenVerifier = ReturnType<typeof createSubjectTokenVerifier>;
