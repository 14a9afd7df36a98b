import { errors } from 'oidc-provider';

/**
 * Another refresh of the same account is re-checking it upstream and has not finished in time.
 * Rendered by oidc-provider as `503 temporarily_unavailable`: the client retries with the same
 * refresh token (it was not consumed), and never gets a token the re-check has not vouched for.
 */
export class ReverifyBusyError extends errors.OIDCProviderError {
  readonly code = 'reverify_busy';
  override error_description = 'the account is being re-checked with its identity provider, retry shortly';

  constructor() {
    super(503, 'temporarily_unavailable');
    this.expose = true;
  }
}
