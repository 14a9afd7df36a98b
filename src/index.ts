/**
 * tollgate's package exports: helpers for the services and tools around an authorization server.
 * The server itself is started with the `tollgate` command (or `node dist/main.js`).
 *
 * @packageDocumentation
 */
export {
  createClientCredentialsTokenSource,
  type AccessToken,
  type ClientCredentialsTokenSource,
  type ClientCredentialsTokenSourceOptions,
} from './client-helpers/client-credentials-token-source.ts';
export { createTokenExchanger, type ExchangeTarget, type TokenExchanger, type TokenExchangerOptions } from './client-helpers/token-exchanger.ts';
export { createJwtBearerTokenSource, type JwtBearerTokenSourceOptions } from './client-helpers/jwt-bearer-token-source.ts';
export { TokenSourceError, type TokenSourceErrorCode } from './client-helpers/token-source-error.ts';
export { createTokenVerifier, type TokenVerifier, type TokenVerifierOptions, type VerifiedAccessToken } from './client-helpers/token-verifier.ts';
export { TokenVerificationError, type TokenVerificationErrorCode } from './client-helpers/token-verification-error.ts';
export { requireToken, type BearerContext, type RequireTokenOptions } from './client-helpers/require-token.ts';
export { findBearerToken, type BearerTokenDiscovery, type FindBearerTokenOptions } from './client-helpers/bearer-token-discovery.ts';
export type { RetryOptions } from './client-helpers/retry-policy.ts';
export type { MaxPriority } from './principals/max-priority.ts';
