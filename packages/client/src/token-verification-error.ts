/**
 * Why an access token was not accepted. Every code but the last two means the token is not
 * good (RFC 6750 `invalid_token`, 401); `insufficient_scope` is a good token without the needed
 * scope (403); `keys_unavailable` means the issuer's metadata or keys could not be fetched (503).
 */
export type TokenVerificationErrorCode =
  | 'malformed_token'
  | 'invalid_signature'
  | 'algorithm_not_allowed'
  | 'invalid_type'
  | 'invalid_issuer'
  | 'invalid_audience'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'missing_claim'
  | 'invalid_claim'
  | 'insufficient_scope'
  | 'keys_unavailable';

const descriptions: Record<TokenVerificationErrorCode, string> = {
  malformed_token: 'the access token is not a well-formed JWT',
  invalid_signature: 'the access token signature does not verify with the issuer keys',
  algorithm_not_allowed: 'the access token is signed with an algorithm that is not allowed',
  invalid_type: 'the token is not a JWT access token (typ at+jwt)',
  invalid_issuer: 'the access token comes from another issuer',
  invalid_audience: 'the access token is meant for another resource server',
  token_expired: 'the access token expired',
  token_not_yet_valid: 'the access token is not valid yet',
  missing_claim: 'the access token lacks a required claim',
  invalid_claim: 'the access token has an invalid claim',
  insufficient_scope: 'the access token lacks a required scope',
  keys_unavailable: 'the issuer keys are unavailable',
};

/** The one error a token verifier throws; assert on `code`. */
export class TokenVerificationError extends Error {
  readonly code: TokenVerificationErrorCode;
  /** The RFC 6750 §3.1 error code to answer with, when the caller is at fault. */
  readonly oauthError: 'invalid_token' | 'insufficient_scope' | undefined;
  /** The HTTP status a resource server should answer with. */
  readonly status: 401 | 403 | 503;
  /** A fixed, token-free sentence, safe to send to the caller. */
  readonly description: string;
  /** For `missing_claim` and `invalid_claim`: which claim. For `insufficient_scope`: the missing scopes. */
  readonly detail: string | undefined;
  override name = 'TokenVerificationError';

  constructor(code: TokenVerificationErrorCode, options: { detail?: string; cause?: unknown } = {}) {
    super(options.detail ? `${descriptions[code]}: ${options.detail}` : descriptions[code], { cause: options.cause });
    this.code = code;
    this.description = descriptions[code];
    this.detail = options.detail;
    this.oauthError = code === 'keys_unavailable' ? undefined : code === 'insufficient_scope' ? 'insufficient_scope' : 'invalid_token';
    this.status = code === 'keys_unavailable' ? 503 : code === 'insufficient_scope' ? 403 : 401;
  }
}
