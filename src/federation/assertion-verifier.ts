import { compactVerify, decodeJwt, decodeProtectedHeader, errors, type CompactVerifyResult, type JWTPayload, type ProtectedHeaderParameters } from 'jose';

import { createVerificationMemo } from '../keys/verification-memo.ts';
import { AssertionError } from './assertion-error.ts';
import { conditionHolds, type FederatedIdentity } from './federated-identity.ts';
import type { TrustedIssuers } from './trusted-issuers.ts';

/** Asymmetric signatures only: `none` proves nothing, and an HMAC key would have to be shared. */
const assertionAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

// RFC 7523 §3: "a small amount of leeway, usually no more than a few minutes"; a minute here.
const clockSkewSeconds = 60;

export interface AssertionVerifierOptions {
  issuers: TrustedIssuers;
  /** The audience an identity expects when it names none: tollgate's issuer URL. */
  defaultAudience: string;
  /** The longest `exp - iat` accepted, seconds; refuses long-lived legacy tokens. */
  maxLifetimeSeconds: number;
}

export interface AssertionVerifier {
  /** The client's identity the assertion proves, or an {@link AssertionError} naming the failed check. */
  verify(assertion: string, identities: readonly FederatedIdentity[]): Promise<FederatedIdentity>;
}

/**
 * Verifies a platform token presented as a jwt-bearer assertion (RFC 7523 §3) against the
 * federated identities of one client. Checks run from the cheapest to the one that needs the
 * issuer's keys to the ones that read verified claims; messages name claims, never their values
 * beyond the issuer, and never the assertion.
 */
export function createAssertionVerifier({ issuers, defaultAudience, maxLifetimeSeconds }: AssertionVerifierOptions): AssertionVerifier {
  // A platform token is presented again and again until it expires (a projected service-account token, a CI job's).
  const verified = createVerificationMemo<CompactVerifyResult>();
  return {
    async verify(assertion, identities) {
      let header: ProtectedHeaderParameters;
      let claims: JWTPayload;
      try {
        header = decodeProtectedHeader(assertion);
        claims = decodeJwt(assertion);
      } catch {
        throw new AssertionError('malformed', 'the assertion is not a signed JWT');
      }
      const issuer = typeof claims.iss === 'string' ? claims.iss : undefined;
      if (!header.alg || !assertionAlgorithms.includes(header.alg)) {
        throw new AssertionError('algorithm', `alg ${String(header.alg).slice(0, 20)} is not allowed; asymmetric signatures only`, issuer);
      }
      const keys = issuer === undefined ? undefined : issuers.keysOf(issuer);
      if (!issuer || !keys) throw new AssertionError('untrusted_issuer', 'iss is not a trusted issuer', issuer);
      const candidates = identities.filter((identity) => identity.issuer === issuer);
      if (candidates.length === 0) throw new AssertionError('issuer_not_federated', 'the client has no federated identity at this issuer', issuer);

      try {
        await verified.verify(
          assertion,
          keys,
          (getKey) => compactVerify(assertion, getKey, { algorithms: assertionAlgorithms }),
          () => (typeof claims.exp === 'number' ? claims.exp : undefined),
        );
      } catch (error) {
        if (error instanceof AssertionError) throw error;
        if (error instanceof errors.JWKSNoMatchingKey) throw new AssertionError('unknown_key', 'no key of the issuer matches the assertion (kid)', issuer);
        throw new AssertionError('signature', 'the signature does not verify', issuer);
      }

      checkTimes(claims, issuer, maxLifetimeSeconds);
      return matchIdentity(claims, candidates, defaultAudience, issuer);
    },
  };
}

function checkTimes(claims: JWTPayload, issuer: string, maxLifetimeSeconds: number): void {
  const now = Math.floor(Date.now() / 1000);
  const { exp, iat, nbf } = claims;
  if (typeof exp !== 'number') throw new AssertionError('expired', 'exp is missing', issuer);
  if (exp + clockSkewSeconds <= now) throw new AssertionError('expired', 'exp is in the past', issuer);
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf - clockSkewSeconds > now)) throw new AssertionError('not_yet_valid', 'nbf is in the future', issuer);
  if (typeof iat !== 'number') throw new AssertionError('issued_at', 'iat is missing', issuer);
  if (iat - clockSkewSeconds > now) throw new AssertionError('issued_at', 'iat is in the future', issuer);
  if (exp - iat > maxLifetimeSeconds) {
    throw new AssertionError('lifetime', `the assertion lives ${exp - iat} s, longer than the ${maxLifetimeSeconds} s allowed`, issuer);
  }
}

function matchIdentity(claims: JWTPayload, candidates: readonly FederatedIdentity[], defaultAudience: string, issuer: string): FederatedIdentity {
  const bySubject = candidates.filter((identity) =>
    identity.subject === undefined ? Object.keys(identity.conditions ?? {}).length > 0 : identity.subject === claims.sub,
  );
  if (bySubject.length === 0) throw new AssertionError('subject', 'sub matches no federated identity of the client', issuer);
  const audiences = Array.isArray(claims.aud) ? claims.aud : claims.aud === undefined ? [] : [claims.aud];
  const byAudience = bySubject.filter((identity) => audiences.includes(identity.audience ?? defaultAudience));
  if (byAudience.length === 0) throw new AssertionError('audience', 'aud does not contain the audience the identity expects', issuer);
  const matched = byAudience.find((identity) => Object.entries(identity.conditions ?? {}).every(([path, value]) => conditionHolds(claims, path, value)));
  if (matched) return matched;
  const failed = Object.entries(byAudience[0]?.conditions ?? {}).find(([path, value]) => !conditionHolds(claims, path, value));
  throw new AssertionError('condition', `claim ${failed?.[0] ?? '?'} does not have the value the identity requires`, issuer);
}
