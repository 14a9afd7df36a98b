import { readFile } from 'node:fs/promises';

import type { ClientCredentialsTokenSource } from './client-credentials-token-source.ts';
import { createRefreshingToken, refreshFraction } from './refreshing-token.ts';
import { createTokenEndpointClient, type TokenEndpointClientOptions } from './token-endpoint-client.ts';
import { TokenSourceError } from './token-source-error.ts';

/** Options of {@link createJwtBearerTokenSource}. */
export interface JwtBearerTokenSourceOptions extends Omit<TokenEndpointClientOptions, 'clientSecret' | 'authMethod'> {
  /**
   * Where the platform writes its token, read again for every token request: a projected
   * Kubernetes service-account token (rewritten by the kubelet before it expires), a file a CI
   * step wrote. Give this or `assertion`.
   */
  assertionFile?: string;
  /** Returns a current platform token, e.g. fetched from GitHub Actions' ID-token endpoint. */
  assertion?: () => string | Promise<string>;
  /** The API the token is for (RFC 8707); omit to use the client's default resource. */
  resource?: string;
  /** Scopes to ask for; omit for every scope the client may have. */
  scope?: string | readonly string[];
  /** Fraction of a token's lifetime after which a new one is fetched in the background. Default 0.8. */
  refreshAfter?: number;
}

/**
 * Creates a token source for the JWT bearer grant (RFC 7523 §2.1): a platform token stands in
 * for a client secret, so a service in Kubernetes or a CI job stores none. It behaves exactly
 * like {@link createClientCredentialsTokenSource} (cache, refresh ahead, single flight,
 * backoff); the platform token is read afresh for every token request, so a rotated file is
 * picked up, and never appears in an error.
 *
 * @example
 * const tokens = createJwtBearerTokenSource({
 *   issuer, clientId: 'payments-api', resource: 'urn:inventory',
 *   assertionFile: '/var/run/secrets/tollgate/token',
 * });
 */
export function createJwtBearerTokenSource(options: JwtBearerTokenSourceOptions): ClientCredentialsTokenSource {
  const { assertionFile, assertion } = options;
  if (Boolean(assertionFile) === Boolean(assertion)) throw new TypeError('give exactly one of assertionFile and assertion');
  const endpoint = createTokenEndpointClient(options, true);
  const readAssertion = assertion ?? (() => readFile(assertionFile as string, 'utf8'));
  const scope = typeof options.scope === 'string' ? options.scope : options.scope?.join(' ');
  const parameters: Record<string, string> = { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' };
  if (scope) parameters.scope = scope;
  if (options.resource) parameters.resource = options.resource;

  async function fetchToken() {
    let token: string;
    try {
      token = (await readAssertion()).trim();
    } catch (error) {
      const detail = (error as { code?: unknown }).code ?? (error as Error).message;
      throw new TokenSourceError(
        'assertion_unavailable',
        `could not read the platform token${assertionFile ? ` from ${assertionFile}` : ''}: ${String(detail)}`,
      );
    }
    if (!token) throw new TokenSourceError('assertion_unavailable', `the platform token${assertionFile ? ` in ${assertionFile}` : ''} is empty`);
    return endpoint.request({ ...parameters, assertion: token }, [token]);
  }
  const token = createRefreshingToken(fetchToken, refreshFraction(options.refreshAfter));

  return {
    getToken: () => token.getToken(),
    get: async () => (await token.getToken()).accessToken,
    invalidate: () => token.invalidate(),
  };
}
