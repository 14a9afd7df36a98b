import { ProviderRenderedError } from '../kernel/provider-internals.ts';

/**
 * Another refresh of the same account is re-checking it upstream and has not finished in time.
 * Rendered by oidc-provider as `503 temporarily_unavailable`: the client retries with the same
 * refresh token (it was not consumed), and never gets a token the re-check has not vouched for.
 */
export class ReverifyBusyError extends ProviderRenderedError {
  readonly code = 'reverify_busy';

  constructor() {
    super(503, 'temporarily_unavailable', 'the account is being re-checked with its identity provider, retry shortly');
  }
}
