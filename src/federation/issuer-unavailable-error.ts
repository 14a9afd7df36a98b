import { ProviderRenderedError } from '../kernel/provider-internals.ts';

/**
 * A trusted issuer's keys could not be fetched: a passing condition, not a bad assertion, so
 * `503 temporarily_unavailable` (RFC 6749 §4.1.2.1 names the code) with Retry-After, which the
 * token sources retry, instead of `400 invalid_grant`, which they give up on.
 */
export class IssuerUnavailableError extends ProviderRenderedError {
  readonly code = 'issuer_unavailable';

  constructor(description: string) {
    super(503, 'temporarily_unavailable', description);
  }
}
