import { describeNetworkError, discoverAuthorizationServer } from './discovery.ts';
import { isRetryableStatus, resolveRetry, retryDelayMs, sleep, type RetryOptions } from './retry-policy.ts';
import { TokenSourceError } from './token-source-error.ts';

/** How a client reaches the token endpoint: shared by the token sources. */
export interface TokenEndpointClientOptions {
  /** The issuer URL; its token endpoint is found by discovery (RFC 8414). Give this or `tokenEndpoint`. */
  issuer?: string;
  /** The token endpoint itself, skipping discovery. */
  tokenEndpoint?: string;
  clientId: string;
  clientSecret: string;
  /** How the secret is sent (RFC 6749 §2.3.1). Default `client_secret_basic`. */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
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

/** A token just issued, with when it was asked for, so a cache can plan its refresh. */
export interface IssuedToken {
  token: AccessToken;
  requestedAt: number;
  lifetimeMs: number;
}

export interface TokenEndpointClient {
  request(parameters: Record<string, string>, credentials?: readonly string[]): Promise<IssuedToken>;
}

/** Lifetime assumed when a token response has no expires_in (RFC 6749 §5.1 makes it optional). */
const assumedLifetimeSeconds = 60;

/**
 * POSTs token requests: discovery once, client authentication, retries with backoff on network
 * errors, timeouts, 5xx and 429; an OAuth error answer is final and thrown as a
 * {@link TokenSourceError} `oauth_error`. The secret never appears in an error, nor do the
 * request's own credentials named in `request`'s `credentials`. A client without a secret
 * (`withoutSecret`: it proves itself in the grant, as jwt-bearer does, RFC 7523 §2.1) sends
 * its client_id in the form and nothing else authenticates it.
 */
export function createTokenEndpointClient(options: TokenEndpointClientOptions): TokenEndpointClient;
export function createTokenEndpointClient(options: Omit<TokenEndpointClientOptions, 'clientSecret' | 'authMethod'>, withoutSecret: true): TokenEndpointClient;
export function createTokenEndpointClient(
  options: Omit<TokenEndpointClientOptions, 'clientSecret'> & { clientSecret?: string },
  withoutSecret = false,
): TokenEndpointClient {
  const { issuer, clientId } = options;
  const clientSecret = withoutSecret ? undefined : options.clientSecret;
  if (Boolean(issuer) === Boolean(options.tokenEndpoint)) throw new TypeError('give exactly one of issuer and tokenEndpoint');
  if (!clientId || (!withoutSecret && !clientSecret)) throw new TypeError(withoutSecret ? 'clientId is required' : 'clientId and clientSecret are required');
  const authMethod = options.authMethod ?? 'client_secret_basic';
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const retry = resolveRetry(options.retry);
  const timeoutMs = options.timeoutMs ?? 10_000;

  // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
  const basicCredentials = clientSecret === undefined ? undefined : Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64');
  const secretForms = clientSecret === undefined ? [] : [clientSecret, formEncode(clientSecret), basicCredentials as string];
  const redactWith = (forms: readonly string[]) => (text: string) => forms.reduce((result, form) => result.replaceAll(form, '[redacted]'), text);
  const redactSecret = redactWith(secretForms);

  let endpoint: Promise<string> | undefined = options.tokenEndpoint ? Promise.resolve(options.tokenEndpoint) : undefined;

  function tokenEndpoint(): Promise<string> {
    endpoint ??= discoverAuthorizationServer(issuer as string, { fetch: fetchImpl, retry, timeoutMs }).then(
      (metadata) => metadata.token_endpoint,
      (error: unknown) => {
        endpoint = undefined; // not cached: the next call tries again
        throw new TokenSourceError('discovery_failed', redactSecret((error as Error).message));
      },
    );
    return endpoint;
  }

  /** One token request with these parameters (grant_type and the grant's own); `credentials` among them never reach an error. */
  async function request(parameters: Record<string, string>, credentials: readonly string[] = []): Promise<IssuedToken> {
    const url = await tokenEndpoint();
    const form = new URLSearchParams(parameters);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (clientSecret === undefined) form.set('client_id', clientId);
    else if (authMethod === 'client_secret_basic') headers.authorization = `Basic ${basicCredentials}`;
    else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    const redact = credentials.length === 0 ? redactSecret : redactWith([...secretForms, ...credentials]);
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
      if (response.status === 200) return issuedToken(payload, started);
      const error = typeof payload?.error === 'string' ? payload.error : undefined;
      if (error) {
        const errorDescription = typeof payload?.error_description === 'string' ? redact(payload.error_description) : undefined;
        throw new TokenSourceError('oauth_error', `token request refused: ${error}${errorDescription ? ` (${errorDescription})` : ''}`, {
          error,
          errorDescription,
          status,
        });
      }
      throw new TokenSourceError('invalid_token_response', `token endpoint answered HTTP ${response.status} without an OAuth error`, { status });
    }
    throw new TokenSourceError(
      'token_endpoint_unavailable',
      redact(`token endpoint unavailable after ${retry.attempts} attempts: ${problem}`),
      status === undefined ? {} : { status },
    );
  }

  return { request };
}

function issuedToken(payload: Record<string, unknown> | undefined, requestedAt: number): IssuedToken {
  const accessToken = payload?.access_token;
  // RFC 6749 §7.1: token types are compared case-insensitively.
  if (typeof accessToken !== 'string' || accessToken === '' || String(payload?.token_type).toLowerCase() !== 'bearer') {
    throw new TokenSourceError('invalid_token_response', 'token response has no Bearer access_token', { status: 200 });
  }
  const expiresIn = typeof payload?.expires_in === 'number' && payload.expires_in > 0 ? payload.expires_in : assumedLifetimeSeconds;
  // Measured from when the request left, and a second shorter: expires_in is whole seconds,
  // so the server's expiry can be up to one second earlier than the number says.
  const lifetimeMs = expiresIn > 1 ? (expiresIn - 1) * 1000 : expiresIn * 500;
  return {
    token: { accessToken, tokenType: 'Bearer', expiresAt: requestedAt + lifetimeMs, scope: typeof payload?.scope === 'string' ? payload.scope : undefined },
    requestedAt,
    lifetimeMs,
  };
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

async function readJson(response: Response): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = await response.json();
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
