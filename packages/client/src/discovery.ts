import { retryDelayMs, isRetryableStatus, sleep, type RetryOptions } from './retry-policy.ts';

/** The authorization-server metadata the client helpers use (RFC 8414 §2). */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  jwks_uri: string;
  [name: string]: unknown;
}

/** Why discovery failed: `unavailable` is worth retrying later, `invalid` is a misconfiguration. */
class DiscoveryError extends Error {
  readonly kind: 'unavailable' | 'invalid';
  override name = 'DiscoveryError';

  constructor(kind: 'unavailable' | 'invalid', message: string) {
    super(message);
    this.kind = kind;
  }
}

/**
 * Fetches the issuer's metadata: RFC 8414 `/.well-known/oauth-authorization-server` first (the
 * well-known segment goes between host and path, §3.1), OpenID Connect Discovery second.
 * Transient failures (network, 5xx, 429) are retried with backoff.
 */
export async function discoverAuthorizationServer(
  issuer: string,
  options: { fetch: typeof fetch; retry: Required<RetryOptions>; timeoutMs: number },
): Promise<AuthorizationServerMetadata> {
  let issuerUrl: URL;
  try {
    issuerUrl = new URL(issuer);
  } catch {
    throw new DiscoveryError('invalid', `issuer is not a URL: ${issuer}`);
  }
  const path = issuerUrl.pathname === '/' ? '' : issuerUrl.pathname.replace(/\/$/, '');
  const candidates = [`${issuerUrl.origin}/.well-known/oauth-authorization-server${path}`, `${issuerUrl.origin}${path}/.well-known/openid-configuration`];

  for (const url of candidates) {
    const metadata = await fetchMetadata(url, options);
    if (metadata === undefined) continue;
    // RFC 8414 §3.3: the issuer in the document must be identical to the one we asked for.
    if (metadata.issuer !== issuer)
      throw new DiscoveryError('invalid', `discovery document at ${url} names issuer ${String(metadata.issuer)}, expected ${issuer}`);
    for (const field of ['token_endpoint', 'jwks_uri'] as const) {
      if (typeof metadata[field] !== 'string') throw new DiscoveryError('invalid', `discovery document at ${url} has no ${field}`);
    }
    return metadata as AuthorizationServerMetadata;
  }
  throw new DiscoveryError('invalid', `no discovery document found for issuer ${issuer}`);
}

/** The parsed document, or undefined on 404 (try the next location). */
async function fetchMetadata(
  url: string,
  options: { fetch: typeof fetch; retry: Required<RetryOptions>; timeoutMs: number },
): Promise<Record<string, unknown> | undefined> {
  let lastProblem = '';
  for (let attempt = 0; attempt < options.retry.attempts; attempt++) {
    if (attempt > 0) await sleep(retryDelayMs(attempt - 1, options.retry));
    let response: Response;
    try {
      response = await options.fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (error) {
      lastProblem = describeNetworkError(error);
      continue;
    }
    if (response.status === 404) return undefined;
    if (isRetryableStatus(response.status)) {
      lastProblem = `HTTP ${response.status}`;
      await response.body?.cancel();
      continue;
    }
    if (response.status !== 200) throw new DiscoveryError('invalid', `discovery at ${url} answered HTTP ${response.status}`);
    try {
      const body: unknown = await response.json();
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('not a JSON object');
      return body as Record<string, unknown>;
    } catch {
      throw new DiscoveryError('invalid', `discovery at ${url} did not return a JSON object`);
    }
  }
  throw new DiscoveryError('unavailable', `discovery at ${url} failed after ${options.retry.attempts} attempts: ${lastProblem}`);
}

/** A short description of a fetch failure: its system code when there is one. */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if ((error as Error)?.name === 'TimeoutError') return 'timeout';
  return (error as Error)?.message ?? 'network error';
}
