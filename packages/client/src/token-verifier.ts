import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';

import { readMaxPriorityClaim, type MaxPriority } from './max-priority-claim.ts';
import { discoverAuthorizationServer } from './discovery.ts';
import { resolveRetry } from './retry-policy.ts';
import { TokenVerificationError, type TokenVerificationErrorCode } from './token-verification-error.ts';

/** Options of {@link createTokenVerifier}. */
export interface TokenVerifierOptions {
  /** The issuer URL, exactly as tokens carry it in `iss`; metadata and JWKS are found by discovery. */
  issuer: string;
  /** This resource server's identifier: tokens must carry it in `aud` (RFC 8707, RFC 9068 §4). */
  audience: string;
  /** Scopes every token must have; `verify` can ask for more per call. */
  requiredScopes?: readonly string[];
  /** Allowed skew between this machine's clock and the issuer's for `exp` and `nbf`. Default 5 s. */
  clockToleranceSeconds?: number;
  /** Signature algorithms accepted. Default ES256, RS256, EdDSA (what tollgate signs with). */
  algorithms?: readonly string[];
  /** How long fetched keys are used before they are fetched again. Default 10 minutes. */
  jwksCacheMaxAgeMs?: number;
  /** Minimum time between two key fetches caused by unknown `kid`s. Default 30 s. */
  jwksCooldownMs?: number;
  /** A fetch implementation (proxies, instrumentation, tests). Default: the global fetch. */
  fetch?: typeof fetch;
}

/** What a verified access token says about its holder. */
export interface VerifiedAccessToken {
  /** `sub`: the account for device-flow tokens, the client for client-credentials tokens. */
  subject: string;
  /** `client_id`: the client the token was issued to. */
  clientId: string;
  scopes: readonly string[];
  /** Queue name → highest priority allowed; empty when the token carries none. */
  maxPriority: MaxPriority;
  /**
   * Who is acting for `subject`, from the token's `act` claim (RFC 8693 §4.1): the client that
   * presented it first, then each earlier actor in turn. Empty when the holder acts for itself.
   * For a token from token exchange, `actors[0]` equals `clientId`.
   */
  actors: readonly string[];
  /** Every claim, for anything else a resource server wants to read. */
  claims: JWTPayload;
}

/** Verifies access tokens offline against the issuer's published keys. */
export interface TokenVerifier {
  /** Resolves with the token's principal or rejects with a {@link TokenVerificationError}. */
  verify(token: string, options?: { requiredScopes?: readonly string[] }): Promise<VerifiedAccessToken>;
}

// RFC 9068 §2.2: claims every JWT access token carries.
const requiredClaims = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'];
const noMaxPriority: MaxPriority = Object.freeze({});

/**
 * Creates a verifier for RFC 9068 JWT access tokens: discovery (RFC 8414) finds `jwks_uri`;
 * keys are cached and fetched again when a token names an unknown `kid` (at most once per
 * cooldown); `iss`, `aud`, `exp`/`nbf` (with clock tolerance), `typ: at+jwt`, the algorithm and
 * the required scopes are checked. If the keys cannot be refreshed, the last fetched ones keep
 * verifying until they can.
 *
 * @example
 * const verifier = createTokenVerifier({ issuer: 'https://auth.example', audience: 'urn:inventory' });
 * const { subject, scopes, maxPriority } = await verifier.verify(token);
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const cooldownMs = options.jwksCooldownMs ?? 30_000;
  const baseRequiredScopes = options.requiredScopes ?? [];
  const verifyOptions: JWTVerifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    // RFC 9068 §4: resource servers must check typ, so other JWTs are never taken for access tokens.
    typ: 'at+jwt',
    algorithms: [...(options.algorithms ?? ['ES256', 'RS256', 'EdDSA'])],
    clockTolerance: options.clockToleranceSeconds ?? 5,
    requiredClaims,
  };

  let keys: Promise<JWTVerifyGetKey> | undefined;
  function getKeys(): Promise<JWTVerifyGetKey> {
    keys ??= discoverAuthorizationServer(options.issuer, { fetch: fetchImpl, retry: resolveRetry({ attempts: 2 }), timeoutMs: 5000 }).then(
      (metadata) =>
        staleIfError(
          createRemoteJWKSet(new URL(metadata.jwks_uri), {
            cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
            cooldownDuration: cooldownMs,
            [customFetch]: fetchImpl,
          }),
          cooldownMs,
        ),
      (error: unknown) => {
        keys = undefined; // not cached: the next token tries again
        throw new TokenVerificationError('keys_unavailable', { detail: (error as Error).message, cause: error });
      },
    );
    return keys;
  }

  return {
    async verify(token, callOptions) {
      if (typeof token !== 'string' || token === '') throw new TokenVerificationError('malformed_token');
      const getKey = await getKeys();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, verifyOptions));
      } catch (error) {
        throw toVerificationError(error);
      }
      if (typeof payload.sub !== 'string') throw new TokenVerificationError('invalid_claim', { detail: 'sub' });
      if (typeof payload.client_id !== 'string') throw new TokenVerificationError('invalid_claim', { detail: 'client_id' });
      if (payload.scope !== undefined && typeof payload.scope !== 'string') throw new TokenVerificationError('invalid_claim', { detail: 'scope' });
      const scopes = payload.scope ? payload.scope.split(' ') : [];
      const missing = missingScopes(scopes, baseRequiredScopes, callOptions?.requiredScopes);
      if (missing) throw new TokenVerificationError('insufficient_scope', { detail: missing.join(' ') });

      let maxPriority = noMaxPriority;
      if (payload.max_priority !== undefined) {
        maxPriority = readMaxPriorityClaim(payload.max_priority) ?? throwInvalid('max_priority');
      }
      const actors = actorChain(payload.act);
      if (!actors) throw new TokenVerificationError('invalid_claim', { detail: 'act' });
      return { subject: payload.sub, clientId: payload.client_id, scopes, maxPriority, actors, claims: payload };
    },
  };
}

const noActors: readonly string[] = Object.freeze([]);

/** The `act` chain, most recent actor first; undefined when the claim is malformed. */
function actorChain(act: unknown): readonly string[] | undefined {
  const actors: string[] = [];
  for (let current = act; current !== undefined; current = (current as { act?: unknown }).act) {
    if (typeof current !== 'object' || current === null || typeof (current as { sub?: unknown }).sub !== 'string') return undefined;
    actors.push((current as { sub: string }).sub);
  }
  return actors.length === 0 ? noActors : Object.freeze(actors);
}

function missingScopes(granted: readonly string[], ...requiredLists: (readonly string[] | undefined)[]): string[] | undefined {
  let missing: string[] | undefined;
  for (const required of requiredLists) {
    for (const scope of required ?? []) {
      if (!granted.includes(scope)) (missing ??= []).push(scope);
    }
  }
  return missing;
}

/**
 * Keeps verifying with the last fetched keys while the JWKS endpoint cannot be reached, trying
 * it again after each cooldown, so an issuer outage does not fail every request of an API.
 */
function staleIfError(remote: ReturnType<typeof createRemoteJWKSet>, cooldownMs: number): JWTVerifyGetKey {
  let fallback: { getKey: JWTVerifyGetKey; until: number } | undefined;
  return async (header, token) => {
    if (fallback && Date.now() < fallback.until) return fallback.getKey(header, token);
    fallback = undefined;
    try {
      return await remote(header, token);
    } catch (error) {
      const stale = remote.jwks();
      if (!isFetchFailure(error) || !stale) throw error;
      fallback = { getKey: createLocalJWKSet(stale), until: Date.now() + Math.max(cooldownMs, 1000) };
      return fallback.getKey(header, token);
    }
  };
}

function isFetchFailure(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true; // fetch's own TypeError: network
  return error.code === 'ERR_JWKS_TIMEOUT' || error.code === 'ERR_JOSE_GENERIC';
}

function toVerificationError(error: unknown): TokenVerificationError {
  const code = (error as { code?: string }).code;
  const claim = (error as { claim?: string }).claim;
  let ours: TokenVerificationErrorCode;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      ours = 'token_expired';
      break;
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const reason = (error as { reason?: string }).reason;
      if (reason === 'missing') return new TokenVerificationError('missing_claim', { detail: claim, cause: error });
      if (claim === 'typ') ours = 'invalid_type';
      else if (claim === 'iss') ours = 'invalid_issuer';
      else if (claim === 'aud') ours = 'invalid_audience';
      else if (claim === 'nbf') ours = 'token_not_yet_valid';
      else return new TokenVerificationError('invalid_claim', { detail: claim, cause: error });
      break;
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      ours = 'algorithm_not_allowed';
      break;
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      ours = 'invalid_signature';
      break;
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      ours = 'malformed_token';
      break;
    default:
      // The key fetch failed with no earlier keys to fall back on.
      ours = 'keys_unavailable';
  }
  return new TokenVerificationError(ours, { cause: error });
}

function throwInvalid(claim: string): never {
  throw new TokenVerificationError('invalid_claim', { detail: claim });
}
