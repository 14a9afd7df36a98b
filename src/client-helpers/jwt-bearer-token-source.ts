import { readFile } from 'node:fs/promises';

import { createCachedTokenSource, type TokenSource, type TokenSourceOptions } from './cached-token-source.ts';
import { TokenSourceError } from './token-source-error.ts';

/** Options of {@link createJwtBearerTokenSource}. */
export interface JwtBearerTokenSourceOptions extends TokenSourceOptions {
  /** The tollgate client whose federated identity the platform token proves. */
  clientId: string;
  /**
   * Where the platform writes its token, read again for every token request: a projected
   * Kubernetes service-account token (rewritten by the kubelet before it expires), a file a CI
   * step wrote. Give this or `assertion`.
   */
  assertionFile?: string;
  /** Returns a current platform token, e.g. fetched from GitHub Actions' ID-token endpoint. */
  assertion?: () => string | Promise<string>;
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
export function createJwtBearerTokenSource(options: JwtBearerTokenSourceOptions): TokenSource {
  const { clientId, assertionFile, assertion } = options;
  if (!clientId) throw new TypeError('clientId is required');
  if (Boolean(assertionFile) === Boolean(assertion)) throw new TypeError('give exactly one of assertionFile and assertion');
  const readAssertion = assertion ?? (() => readFile(assertionFile as string, 'utf8'));

  return createCachedTokenSource(options, async () => {
    let token: string;
    try {
      token = (await readAssertion()).trim();
    } catch (error) {
      const detail = (error as { code?: unknown }).code ?? (error as Error).message;
      throw new TokenSourceError('assertion_unavailable', `could not read the platform token${assertionFile ? ` from ${assertionFile}` : ''}: ${String(detail)}`);
    }
    if (!token) throw new TokenSourceError('assertion_unavailable', `the platform token${assertionFile ? ` in ${assertionFile}` : ''} is empty`);
    const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', client_id: clientId, assertion: token });
    return { form, headers: {}, redact: (text) => text.replaceAll(token, '[redacted]') };
  });
}
