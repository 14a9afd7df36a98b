import { createRefreshingToken, refreshFraction } from './refreshing-token.ts';
import { createTokenEndpointClient, type AccessToken, type TokenEndpointClientOptions } from './token-endpoint-client.ts';

export type { AccessToken } from './token-endpoint-client.ts';

/** Options of {@link createClientCredentialsTokenSource}. */
export interface ClientCredentialsTokenSourceOptions extends TokenEndpointClientOptions {
  /** The API the token is for (RFC 8707); omit to use the client's default resource. */
  resource?: string;
  /** Scopes to ask for; omit for every scope the client may have. */
  scope?: string | readonly string[];
  /** Fraction of a token's lifetime after which a new one is fetched in the background. Default 0.8. */
  refreshAfter?: number;
}

/** A cached, self-refreshing supply of client-credentials access tokens. */
export interface ClientCredentialsTokenSource {
  /** A valid access token: cached, or fetched once for all concurrent callers. */
  get(): Promise<string>;
  /** Like `get`, with the expiry and granted scope. */
  getToken(): Promise<AccessToken>;
  /** Drops the cached token, e.g. after an API answered 401 to it; the next `get` fetches. */
  invalidate(): void;
}

/**
 * Creates a token source for the OAuth 2.0 client-credentials grant (RFC 6749 §4.4).
 *
 * - Caches the token and fetches the next one in the background once `refreshAfter` of its
 *   lifetime has passed, so callers rarely wait.
 * - Single flight: however many callers ask at once, one request is in flight.
 * - Retries network errors, timeouts, 5xx and 429 with exponential backoff and jitter; an OAuth
 *   error answer (400/401) is final and thrown as a {@link TokenSourceError} with code
 *   `oauth_error` and the server's `error`.
 * - Never logs, and never puts the client secret in an error.
 *
 * @example
 * const tokens = createClientCredentialsTokenSource({ issuer, clientId, clientSecret, resource: 'urn:inventory' });
 * await fetch(url, { headers: { authorization: `Bearer ${await tokens.get()}` } });
 */
export function createClientCredentialsTokenSource(options: ClientCredentialsTokenSourceOptions): ClientCredentialsTokenSource {
  const endpoint = createTokenEndpointClient(options);
  const scope = typeof options.scope === 'string' ? options.scope : options.scope?.join(' ');
  const parameters: Record<string, string> = { grant_type: 'client_credentials' };
  if (scope) parameters.scope = scope;
  if (options.resource) parameters.resource = options.resource;
  const token = createRefreshingToken(() => endpoint.request(parameters), refreshFraction(options.refreshAfter));

  return {
    getToken: () => token.getToken(),
    get: async () => (await token.getToken()).accessToken,
    invalidate: () => token.invalidate(),
  };
}
