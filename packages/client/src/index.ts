/**
 * tollgate's client helpers: client-credentials and jwt-bearer token sources and a token exchanger for services, a verifier and koa
 * middleware for APIs (resource servers), bearer-token discovery for command-line tools. Depends
 * on jose alone.
 *
 * @packageDocumentation
 */
export {
  createClientCredentialsTokenSource,
  type AccessToken,
  type ClientCredentialsTokenSource,
  type ClientCredentialsTokenSourceOptions,
} from './client-credentials-token-source.ts';
export { createResourceTokenSource, resourceTokenCredentials, type ResourceTokenSourceOptions } from './resource-token-source.ts';
export { createTokenExchanger, type ExchangeTarget, type TokenExchanger, type TokenExchangerOptions } from './token-exchanger.ts';
export { createJwtBearerTokenSource, type JwtBearerTokenSourceOptions } from './jwt-bearer-token-source.ts';
export { TokenSourceError, type TokenSourceErrorCode } from './token-source-error.ts';
export { createTokenVerifier, type TokenVerifier, type TokenVerifierOptions, type VerifiedAccessToken } from './token-verifier.ts';
export { TokenVerificationError, type TokenVerificationErrorCode } from './token-verification-error.ts';
export { requireToken, type BearerContext, type RequireTokenOptions } from './require-token.ts';
export { findBearerToken, type BearerTokenDiscovery, type FindBearerTokenOptions } from './bearer-token-discovery.ts';
export type { RetryOptions } from './retry-policy.ts';
export type { MaxPriority } from './max-priority-claim.ts';
