import * as client from 'openid-client';

import { AppError, codeForStatus, type AppErrorCode } from '../../errors.ts';
import { cliUserAgent } from '../cli-version.ts';

/** The endpoints a login keeps, so that later commands need no discovery round trip. */
export interface ServerEndpoints {
  issuer: string;
  token_endpoint: string;
  revocation_endpoint?: string;
  /** Checked against the ID token a refresh returns (openid-client expects RS256 without it). */
  id_token_signing_alg_values_supported?: string[];
}

export type TokenResponse = client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
export type DeviceAuthorization = client.DeviceAuthorizationResponse;

const timeoutSeconds = 15;

// The confirm page shows the device's User-Agent; name the CLI rather than openid-client.
const withUserAgent: client.CustomFetch = (url, options) => fetch(url, { ...options, headers: { ...options.headers, 'user-agent': cliUserAgent } });

/** Settings every request of the person CLI shares: a public client (device flow, RFC 8628 §3.1), plain http allowed for local servers. */
function configure(config: client.Configuration): client.Configuration {
  config[client.customFetch] = withUserAgent;
  config.timeout = timeoutSeconds;
  if (new URL(config.serverMetadata().issuer).protocol === 'http:') client.allowInsecureRequests(config);
  return config;
}

/** RFC 8414 metadata; openid-client checks that the issuer it names is the one asked for (§3.3). */
export async function discover(issuer: string, clientId: string): Promise<client.Configuration> {
  const url = new URL(issuer);
  const config = await client
    .discovery(url, clientId, undefined, client.None(), {
      algorithm: 'oauth2',
      timeout: timeoutSeconds,
      [client.customFetch]: withUserAgent,
      ...(url.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
    })
    .catch((error: unknown) => {
      throw oauthFailure(error, `${issuer} does not look like an authorization server`);
    });
  if (!config.serverMetadata().device_authorization_endpoint) throw new AppError('invalid_field', `${issuer} does not offer the device flow`);
  return configure(config);
}

/** A client for a login already made, from the endpoints it stored. */
export function reconnect(endpoints: ServerEndpoints, clientId: string): client.Configuration {
  return configure(new client.Configuration({ ...endpoints }, clientId, undefined, client.None()));
}

// OIDC Core §5.4: an ID token naming the person (preferred_username, name), so the CLI can say who logged in.
const identityScopes = ['openid', 'profile'];

/**
 * The scopes to ask for: those given (none means every scope the client holds on the API),
 * plus `openid profile` when the server offers both; a server that does not gets the request
 * unchanged.
 */
export function withIdentityScopes(config: client.Configuration, scope: string | undefined): string | undefined {
  const supported = config.serverMetadata().scopes_supported ?? [];
  if (!identityScopes.every((name) => supported.includes(name))) return scope;
  return [...new Set([...(scope?.split(' ').filter(Boolean) ?? []), ...identityScopes])].join(' ');
}

/** The person's username from the ID token (`preferred_username`), when the server sent one. */
export function usernameOf(tokens: TokenResponse): string | undefined {
  const username = tokens.claims()?.preferred_username;
  return typeof username === 'string' && username ? username : undefined;
}

/** RFC 8628 §3.1-3.2 */
export function startDeviceAuthorization(config: client.Configuration, scope?: string, resource?: string): Promise<DeviceAuthorization> {
  const parameters: Record<string, string> = { ...(scope ? { scope } : {}), ...(resource ? { resource } : {}) };
  return client.initiateDeviceAuthorization(config, parameters).catch((error: unknown) => {
    // RFC 6749 §5.2 answers an unknown client and one that must authenticate alike: either way
    // there is no device-login client of that id, and that is what the person needs to hear.
    if (error instanceof client.ResponseBodyError && error.error === 'invalid_client') {
      const clientId = config.clientMetadata().client_id;
      throw new AppError(
        'unauthorized',
        `no such client: ${new URL(config.serverMetadata().issuer).origin} has no device-login client "${clientId}" (a public client with the device_code grant); check --client-id or TOLLGATE_CLIENT_ID`,
        { cause: error },
      );
    }
    throw oauthFailure(error, 'cannot start the login');
  });
}

/**
 * RFC 8628 §3.4-3.5 through openid-client (it waits the interval and adds 5 seconds at every
 * slow_down); when the server cannot be reached it polls again at twice the interval, until
 * approval, denial or the code's expiry.
 */
export async function pollForTokens(config: client.Configuration, authorization: DeviceAuthorization): Promise<TokenResponse> {
  const expiry = AbortSignal.timeout(authorization.expires_in * 1000);
  let interval = authorization.interval ?? 5;
  for (;;) {
    try {
      return await client.pollDeviceAuthorizationGrant(config, { ...authorization, interval }, undefined, { signal: expiry });
    } catch (error) {
      if (expiry.aborted) throw new AppError('unauthorized', 'the code expired before the login was approved; run tollgate login again');
      const failure = oauthFailure(error, 'the login failed');
      if (failure.code !== 'unreachable') throw failure;
      interval = Math.min(interval * 2, 60);
    }
  }
}

/** RFC 6749 §6; the response carries the rotated refresh token. */
export function refreshTokens(config: client.Configuration, refreshToken: string): Promise<TokenResponse> {
  return client.refreshTokenGrant(config, refreshToken).catch((error: unknown) => {
    if (error instanceof client.ResponseBodyError && error.error === 'invalid_grant') {
      throw new AppError('unauthorized', 'the login has ended (revoked, expired or disabled); run tollgate login again');
    }
    throw oauthFailure(error, 'cannot refresh the access token');
  });
}

/** RFC 7009 §2.1: revoking the refresh token ends the grant on the server (§2.2: also 200 for a token already invalid). */
export function revokeToken(config: client.Configuration, token: string, hint: 'refresh_token' | 'access_token'): Promise<void> {
  return client.tokenRevocation(config, token, { token_type_hint: hint }).catch((error: unknown) => {
    throw oauthFailure(error, 'the server refused to revoke the token');
  });
}

/** What openid-client reports, as an AppError with the exit code it deserves. */
function oauthFailure(error: unknown, what: string): AppError {
  if (error instanceof client.ResponseBodyError) {
    const detail = error.error_description ? `${error.error}: ${error.error_description}` : error.error;
    const person = ['access_denied', 'expired_token'].includes(error.error);
    const message =
      error.error === 'access_denied'
        ? 'the login was denied in the browser'
        : error.error === 'expired_token'
          ? 'the code expired before the login was approved; run tollgate login again'
          : `${what}: ${detail}`;
    return new AppError(person ? 'unauthorized' : codeForOAuthError(error.error, error.status), message, { expose: true, cause: error });
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  // fetch rejects with a TypeError carrying the system error; a request timeout is OAUTH_TIMEOUT.
  if (error instanceof TypeError || (error instanceof client.ClientError && error.code === 'OAUTH_TIMEOUT')) {
    return new AppError('unreachable', `${what}: cannot reach the server: ${cause?.code ?? cause?.message ?? (error as Error).message}`, { cause: error });
  }
  if (error instanceof client.ClientError) {
    const status = (cause as { status?: number } | undefined)?.status;
    return new AppError(status === 503 ? 'unreachable' : 'invalid_field', `${what}: ${error.message}${status ? ` (HTTP ${status})` : ''}`, {
      expose: true,
      cause: error,
    });
  }
  return error instanceof AppError ? error : new AppError('internal', `${what}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

/**
 * RFC 6749 §5.2: a client the server does not accept is "not allowed" (exit 3); any other 4xx
 * error response is a bad request, whatever its status; 401, 403 and 5xx read as errors.ts says.
 */
function codeForOAuthError(error: string, status: number): AppErrorCode {
  if (error === 'invalid_client' || error === 'unauthorized_client') return 'unauthorized';
  return status === 401 || status === 403 || status >= 500 ? codeForStatus(status) : 'invalid_field';
}
