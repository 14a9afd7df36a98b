import { AppError } from '../../errors.ts';
import { requestJson, responseError, type JsonResponse } from '../http.ts';

export interface ServerMetadata {
  issuer: string;
  token_endpoint: string;
  device_authorization_endpoint?: string;
  revocation_endpoint?: string;
}

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  token_type: string;
}

export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  expires_in: number;
  interval?: number;
}

const form = (fields: Record<string, string | undefined>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
  body: new URLSearchParams(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined)),
});

/** RFC 8414 metadata; the issuer it names must be the one asked for (§3.3). */
export async function discover(issuer: string): Promise<ServerMetadata> {
  const base = issuer.replace(/\/$/, '');
  const response = await requestJson(`${base}/.well-known/oauth-authorization-server`);
  if (response.status !== 200) throw responseError(response, `${base} does not look like an authorization server`);
  const metadata = response.body as unknown as ServerMetadata;
  if (metadata.issuer !== base) throw new AppError('invalid_field', `${base} says its issuer is ${metadata.issuer}; use that URL`);
  return metadata;
}

/** RFC 8628 §3.1-3.2 */
export async function startDeviceAuthorization(metadata: ServerMetadata, clientId: string, scope?: string, resource?: string): Promise<DeviceAuthorization> {
  if (!metadata.device_authorization_endpoint) throw new AppError('invalid_field', `${metadata.issuer} does not offer the device flow`);
  const response = await requestJson(metadata.device_authorization_endpoint, form({ client_id: clientId, scope, resource }));
  if (response.status !== 200) throw tokenError(response, 'cannot start the login');
  return response.body as unknown as DeviceAuthorization;
}

/**
 * RFC 8628 §3.4-3.5: polls no faster than the interval, adds 5 seconds at every slow_down,
 * and backs off when the server cannot be reached, until approval, denial or expiry.
 */
export async function pollForTokens(metadata: ServerMetadata, clientId: string, authorization: DeviceAuthorization, sleep = defaultSleep): Promise<TokenResponse> {
  let interval = authorization.interval ?? 5;
  const deadline = Date.now() + authorization.expires_in * 1000;
  for (;;) {
    await sleep(interval * 1000);
    if (Date.now() > deadline) throw new AppError('unauthorized', 'the code expired before the login was approved; run tollgate login again');
    let response: JsonResponse;
    try {
      response = await requestJson(metadata.token_endpoint, form({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: authorization.device_code, client_id: clientId }));
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'unreachable') throw error;
      interval = Math.min(interval * 2, 60);
      continue;
    }
    if (response.status === 200) return response.body as unknown as TokenResponse;
    switch (response.body.error) {
      case 'authorization_pending':
        continue;
      case 'slow_down':
        interval += 5;
        continue;
      case 'access_denied':
        throw new AppError('unauthorized', 'the login was denied in the browser');
      case 'expired_token':
        throw new AppError('unauthorized', 'the code expired before the login was approved; run tollgate login again');
      default:
        throw tokenError(response, 'the login failed');
    }
  }
}

/** RFC 6749 §6; the response carries the rotated refresh token. */
export async function refreshTokens(tokenEndpoint: string, clientId: string, refreshToken: string): Promise<TokenResponse> {
  const response = await requestJson(tokenEndpoint, form({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }));
  if (response.status !== 200) {
    if (response.body.error === 'invalid_grant') throw new AppError('unauthorized', 'the login has ended (revoked, expired or disabled); run tollgate login again');
    throw tokenError(response, 'cannot refresh the access token');
  }
  return response.body as unknown as TokenResponse;
}

/** RFC 7009 §2.1: revoking the refresh token ends the grant on the server. */
export async function revokeToken(revocationEndpoint: string, clientId: string, token: string, hint: 'refresh_token' | 'access_token'): Promise<void> {
  const response = await requestJson(revocationEndpoint, form({ token, token_type_hint: hint, client_id: clientId }));
  // RFC 7009 §2.2: 200 also for a token that was already invalid.
  if (response.status !== 200) throw tokenError(response, 'the server refused to revoke the token');
}

function tokenError(response: JsonResponse, what: string): AppError {
  const error = responseError(response, what);
  return response.body.error === 'invalid_client' || response.body.error === 'unauthorized_client' ? new AppError('unauthorized', error.message) : error;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
