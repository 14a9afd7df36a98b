/**
 * Why a token source could not produce a token:
 * - `oauth_error`: the authorization server refused the request (RFC 6749 §5.2); `error` holds
 *   its code (`invalid_client`, `invalid_scope`, `invalid_target`, ...). Not retried.
 * - `token_endpoint_unavailable`: network errors, timeouts, 5xx or 429 on every attempt.
 * - `invalid_token_response`: an answer that is neither a token nor an OAuth error.
 * - `discovery_failed`: the issuer's metadata could not be fetched or is not usable.
 * - `assertion_unavailable`: a jwt-bearer source could not read its platform token.
 */
export type TokenSourceErrorCode = 'oauth_error' | 'token_endpoint_unavailable' | 'invalid_token_response' | 'discovery_failed' | 'assertion_unavailable';

/** The one error a token source throws. Its message never contains the client secret. */
export class TokenSourceError extends Error {
  readonly code: TokenSourceErrorCode;
  /** The OAuth `error` code when the server sent one. */
  readonly error: string | undefined;
  readonly errorDescription: string | undefined;
  /** The last HTTP status seen, when there was a response. */
  readonly status: number | undefined;
  override name = 'TokenSourceError';

  constructor(code: TokenSourceErrorCode, message: string, details: { error?: string; errorDescription?: string; status?: number } = {}) {
    super(message);
    this.code = code;
    this.error = details.error;
    this.errorDescription = details.errorDescription;
    this.status = details.status;
  }
}
