import { describeNetworkError, discoverAuthorizationServer } from './discovery.ts';
import { isRetryableStatus, resolveRetry, retryDelayMs, sleep, type RetryOptions } from './retry-policy.ts';
import { TokenSourceError } from './token-source-error.ts';

/** What every token source is told: where the server is, what to ask for, how patiently. */
export interface TokenSourceOptions {
  /** The issuer URL; its token endpoint is found by discovery (RFC 8414). Give this or `tokenEndpoint`. */
  issuer?: string;
  /** The token endpoint itself, skipping discovery. */
  tokenEndpoint?: string;
  /** The API the token is for (RFC 8707); omit to use the client's default resource. */
  resource?: string;
  /** Scopes to ask for; omit for every scope the client may have. */
  scope?: string | readonly string[];
  /** Fraction of a token's lifetime after which a new one is fetched in the background. Default 0.8. */
  refreshAfter?: number;
  /** Retries on network errors, timeouts, 5xx and 429. */
  retry?: RetryOptions;
  /** Per-request timeout. Default 10 000 ms. */
  timeoutMs?: number;
  /** A fetch implementation (proxies, instrumentation, tests). Default: the global fetch. */
  fetch?: typeof fetch;
}

/** An access token with what the source knows about it. */
export interface AccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  /** When it expires, in milliseconds since the epoch, by this machine's clock. */
  expiresAt: number;
  /** The granted scopes, when the server said. */
  scope: string | undefined;
}

/** A cached, self-refreshing supply of access tokens. */
export interface TokenSource {
  /** A valid access token: cached, or fetched once for all concurrent callers. */
  get(): Promise<string>;
  /** Like `get`, with the expiry and granted scope. */
  getToken(): Promise<AccessToken>;
  /** Drops the cached token, e.g. after an API answered 401 to it; the next `get` fetches. */
  invalidate(): void;
}

/** One token request's grant-specific part: the form (credentials included) and headers. */
export interface GrantRequest {
  form: URLSearchParams;
  headers: Record<string, string>;
  /** Removes every form of the request's credentials from a text bound for an error. */
  redact(text: string): string;
}

interface CachedToken {
  token: AccessToken;
  /** From here on a new token is fetched in the background while this one is still handed out. */
  refreshAt: number;
  /** From here on this token is too close to expiry to hand out. */
  unusableAt: number;
}

/** Lifetime assumed when a token response has no expires_in (RFC 6749 §5.1 makes it optional). */
const assumedLifetimeSeconds = 60;

/**
 * The machinery behind every token source: caching, refresh ahead of expiry, single flight,
 * retries with backoff and jitter, discovery of the token endpoint. `grantRequest` is called
 * once per token fetch (not per retry) for the grant's form; it may read fresh credentials.
 */
export function createCachedTokenSource(options: TokenSourceOptions, grantRequest: () => Promise<GrantRequest>): TokenSource {
  const { issuer, resource } = options;
  if (Boolean(issuer) === Boolean(options.tokenEndpoint)) throw new TypeError('give exactly one of issuer and tokenEndpoint');
  const refreshAfter = options.refreshAfter ?? 0.8;
  if (!(refreshAfter > 0 && refreshAfter < 1)) throw new TypeError('refreshAfter must be between 0 and 1');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const retry = resolveRetry(options.retry);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const scope = typeof options.scope === 'string' ? options.scope : options.scope?.join(' ');

  let endpoint: Promise<string> | undefined = options.tokenEndpoint ? Promise.resolve(options.tokenEndpoint) : undefined;
  let cached: CachedToken | undefined;
  let inflight: Promise<CachedToken> | undefined;

  function tokenEndpoint(): Promise<string> {
    endpoint ??= discoverAuthorizationServer(issuer as string, { fetch: fetchImpl, retry, timeoutMs }).then(
      (metadata) => metadata.token_endpoint,
      (error: unknown) => {
        endpoint = undefined; // not cached: the next call tries again
        throw new TokenSourceError('discovery_failed', (error as Error).message);
      },
    );
    return endpoint;
  }

  function refresh(): Promise<CachedToken> {
    inflight ??= requestToken().then(
      (fresh) => {
        cached = fresh;
        inflight = undefined;
        return fresh;
      },
      (error: unknown) => {
        inflight = undefined;
        throw error;
      },
    );
    return inflight;
  }

  async function requestToken(): Promise<CachedToken> {
    const url = await tokenEndpoint();
    const { form, headers: grantHeaders, redact } = await grantRequest();
    if (scope) form.set('scope', scope);
    if (resource) form.set('resource', resource);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...grantHeaders };
    const body = form.toString();

    let problem = '';
    let status: number | undefined;
    let retryAfter: string | null = null;
    for (let attempt = 0; attempt < retry.attempts; attempt++) {
      if (attempt > 0) await sleep(retryDelayMs(attempt - 1, retry, retryAfter));
      const started = Date.now();
      let response: Response;
      try {
        // redirect 'error': a credential-bearing POST is never replayed to another location.
        response = await fetchImpl(url, { method: 'POST', headers, body, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        problem = describeNetworkError(error);
        status = undefined;
        retryAfter = null;
        continue;
      }
      status = response.status;
      if (isRetryableStatus(response.status)) {
        problem = `HTTP ${response.status}`;
        retryAfter = response.headers.get('retry-after');
        await response.body?.cancel();
        continue;
      }
      const payload = await readJson(response);
      if (response.status === 200) return cacheEntry(payload, started);
      const error = typeof payload?.error === 'string' ? payload.error : undefined;
      if (error) {
        const errorDescription = typeof payload?.error_description === 'string' ? redact(payload.error_description) : undefined;
        throw new TokenSourceError('oauth_error', `token request refused: ${error}${errorDescription ? ` (${errorDescription})` : ''}`, { error, errorDescription, status });
      }
      throw new TokenSourceError('invalid_token_response', `token endpoint answered HTTP ${response.status} without an OAuth error`, { status });
    }
    throw new TokenSourceError('token_endpoint_unavailable', redact(`token endpoint unavailable after ${retry.attempts} attempts: ${problem}`), status === undefined ? {} : { status });
  }

  function cacheEntry(payload: Record<string, unknown> | undefined, started: number): CachedToken {
    const accessToken = payload?.access_token;
    // RFC 6749 §7.1: token types are compared case-insensitively.
    if (typeof accessToken !== 'string' || accessToken === '' || String(payload?.token_type).toLowerCase() !== 'bearer') {
      throw new TokenSourceError('invalid_token_response', 'token response has no Bearer access_token', { status: 200 });
    }
    const expiresIn = typeof payload?.expires_in === 'number' && payload.expires_in > 0 ? payload.expires_in : assumedLifetimeSeconds;
    // Measured from when the request left, and a second shorter: expires_in is whole seconds,
    // so the server's expiry can be up to one second earlier than the number says.
    const lifetimeMs = expiresIn > 1 ? (expiresIn - 1) * 1000 : expiresIn * 500;
    const expiresAt = started + lifetimeMs;
    return {
      token: { accessToken, tokenType: 'Bearer', expiresAt, scope: typeof payload?.scope === 'string' ? payload.scope : undefined },
      refreshAt: started + lifetimeMs * refreshAfter,
      unusableAt: expiresAt - Math.min(5000, lifetimeMs / 10),
    };
  }

  async function getToken(): Promise<AccessToken> {
    const now = Date.now();
    const current = cached;
    if (current && now < current.unusableAt) {
      if (now >= current.refreshAt && !inflight) refresh().catch(() => {}); // a failure shows on a later call
      return current.token;
    }
    return (await refresh()).token;
  }

  return {
    getToken,
    get: async () => (await getToken()).accessToken,
    invalidate() {
      cached = undefined;
    },
  };
}

async function readJson(response: Response): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = await response.json();
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
