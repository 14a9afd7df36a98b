import * as client from 'openid-client';

import type { OidcUpstreamSettings } from '../config/upstream-schema.ts';
import type { Logger } from '../logger.ts';
import {
  isUnreachable,
  stringList,
  UpstreamError,
  upstreamTimeoutMs,
  type LoginChecks,
  type Upstream,
  type UpstreamProfile,
  type UpstreamResponse,
} from './upstream.ts';
import { chooseTokenEndpointAuthMethod, clientAuthentication, type TokenEndpointAuthMethod } from './upstream-client-auth.ts';

/**
 * An OpenID Provider found by discovery. Every protocol step is openid-client's: PKCE S256,
 * state, nonce, RFC 9207 `iss` when the provider sends it, and the ID token's signature, iss,
 * aud, exp and nonce (OpenID Connect Core §3.1.3.7).
 */
export async function createOidcUpstream(settings: OidcUpstreamSettings, logger?: Logger): Promise<Upstream> {
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(new URL(settings.issuer).hostname);
  // Plain http only to this machine (development and tests); anywhere else openid-client insists on https.
  const options: client.DiscoveryRequestOptions = { timeout: upstreamTimeoutMs / 1000, ...(loopback ? { execute: [client.allowInsecureRequests] } : {}) };
  let method: TokenEndpointAuthMethod | undefined;
  const discover = async () => {
    const found = await client.discovery(new URL(settings.issuer), settings.clientId, undefined, client.None(), options);
    const metadata = found.serverMetadata();
    const chosen = chooseTokenEndpointAuthMethod(settings, metadata.token_endpoint_auth_methods_supported);
    if (chosen !== method) logger?.info({ upstream: settings.id, tokenEndpointAuthMethod: chosen }, 'upstream token endpoint authentication');
    method = chosen;
    const config = new client.Configuration(metadata, settings.clientId, undefined, await clientAuthentication(settings, chosen));
    config.timeout = options.timeout as number;
    if (loopback) client.allowInsecureRequests(config);
    // openid-client trusts TLS for ID tokens from the token endpoint (OIDC Core §3.1.3.7 step 6
    // allows it); we verify their signatures against the upstream's JWKS all the same.
    client.enableNonRepudiationChecks(config);
    return config;
  };
  let current = await discover();

  async function readPerson(
    tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
    subject: string | undefined,
    credential: string | undefined,
  ) {
    let claims: Record<string, unknown> = { ...(tokens.claims() ?? {}) };
    if (subject !== undefined && claims.sub !== undefined && claims.sub !== subject)
      throw new UpstreamError('refused', 'the upstream answered for another person');
    const wanted = [settings.claims.username, settings.claims.email, settings.claims.groups];
    // Some providers keep groups or email out of the ID token: the UserInfo endpoint has them.
    if (current.serverMetadata().userinfo_endpoint && (claims.sub === undefined || wanted.some((name) => claims[name] === undefined))) {
      const expected = (claims.sub as string | undefined) ?? subject ?? client.skipSubjectCheck;
      claims = { ...(await client.fetchUserInfo(current, tokens.access_token, expected)), ...claims };
    }
    if (typeof claims.sub !== 'string' || !claims.sub) throw new UpstreamError('rejected', 'the upstream did not say who signed in');
    return profileOf(settings, claims, tokens.refresh_token ?? credential);
  }

  return {
    settings,
    authorizationOrigin: () => new URL(current.serverMetadata().authorization_endpoint ?? settings.issuer).origin,
    async authorizationUrl(checks) {
      current = await discover().catch((error: unknown) => {
        throw new UpstreamError('unreachable', `${settings.id}: discovery failed`, { cause: error });
      });
      return client.buildAuthorizationUrl(current, {
        redirect_uri: checks.redirectUri,
        scope: settings.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
        state: checks.state,
        nonce: checks.nonce,
      });
    },
    async complete(callback, checks: LoginChecks) {
      try {
        const tokens = await client.authorizationCodeGrant(current, callback, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        return await readPerson(tokens, undefined, undefined);
      } catch (error) {
        throw classify(error);
      }
    },
    async recheck(subject, credential) {
      if (!credential) throw new UpstreamError('unreachable', `${settings.id} gave no refresh token to re-check with (add offline_access to its scopes)`);
      try {
        return await readPerson(await client.refreshTokenGrant(current, credential), subject, credential);
      } catch (error) {
        const classified = classify(error);
        // The upstream refused the refresh token: revoked, the person disabled or gone.
        throw classified.code === 'rejected' && classified.response
          ? new UpstreamError('refused', classified.message, { cause: error, response: classified.response })
          : classified;
      }
    },
  };
}

function classify(error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (error instanceof client.AuthorizationResponseError) return new UpstreamError('access_denied', error.error, { cause: error });
  const response = refusal(error);
  if (response && response.status >= 500)
    return new UpstreamError('unreachable', `the upstream answered ${response.status} ${response.error}`, { cause: error, response });
  if (isUnreachable(error)) return new UpstreamError('unreachable', 'the upstream could not be reached', { cause: error });
  if (response) return new UpstreamError('rejected', `the upstream refused: ${response.status} ${response.error}`, { cause: error, response });
  return new UpstreamError('rejected', (error as Error).message, { cause: error });
}

/** What the upstream's endpoint said when it refused (RFC 6749 §5.2): codes and its own words, no secret. */
function refusal(error: unknown): UpstreamResponse | undefined {
  if (error instanceof client.ResponseBodyError) {
    return { status: error.status, error: error.error, ...(error.error_description ? { error_description: error.error_description } : {}) };
  }
  if (error instanceof client.WWWAuthenticateChallengeError) {
    const [challenge] = error.cause;
    const said = challenge?.parameters ?? {};
    return { status: error.status, error: said.error ?? 'invalid_client', ...(said.error_description ? { error_description: said.error_description } : {}) };
  }
  return undefined;
}

function profileOf(settings: OidcUpstreamSettings, claims: Record<string, unknown>, credential: string | undefined): UpstreamProfile {
  const text = (name: string) => (typeof claims[name] === 'string' && claims[name] ? (claims[name] as string) : undefined);
  const email = text(settings.claims.email)?.toLowerCase();
  const ruleClaims = Object.fromEntries(
    settings.priorityRules.flatMap((rule) => (rule.claim && claims[rule.claim] !== undefined ? [[rule.claim, claims[rule.claim]]] : [])),
  );
  return {
    subject: claims.sub as string,
    username: text(settings.claims.username),
    name: text(settings.claims.name),
    email,
    emailVerified: email !== undefined && (claims.email_verified === true || settings.trustEmail),
    groups: stringList(claims[settings.claims.groups]),
    claims: ruleClaims,
    credential,
  };
}
