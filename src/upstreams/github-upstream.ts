import * as client from 'openid-client';

import type { GithubUpstreamSettings } from '../config/upstream-schema.ts';
import { isUnreachable, UpstreamError, upstreamTimeoutMs, type Upstream, type UpstreamProfile, type UpstreamResponse } from './upstream.ts';

interface GithubUser {
  id: number;
  login: string;
  name: string | null;
}

/**
 * What re-checks a GitHub person: the user access token and, for a GitHub App with expiring
 * user tokens, the refresh token that renews it. Stored sealed, as JSON when there is a refresh
 * token; a bare access token (OAuth Apps, and identities stored before refresh tokens were kept).
 */
interface GithubCredential {
  accessToken: string;
  refreshToken?: string;
}

const credentialOf = (tokens: client.TokenEndpointResponse): GithubCredential => ({
  accessToken: tokens.access_token,
  ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
});
const serialize = (credential: GithubCredential) => (credential.refreshToken ? JSON.stringify(credential) : credential.accessToken);
const parse = (stored: string): GithubCredential => (stored.startsWith('{') ? (JSON.parse(stored) as GithubCredential) : { accessToken: stored });
/** GitHub's refusal as it said it: an error status, or (GitHub's way) 200 with `error` in the body. */
function responseOf(error: unknown): { response?: UpstreamResponse } {
  if (error instanceof client.ResponseBodyError)
    return { response: { status: error.status, error: error.error, ...(error.error_description ? { error_description: error.error_description } : {}) } };
  // openid-client wraps oauth4webapi's error, whose cause holds the body it could not use.
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 4; depth++) {
    const body = (current as { body?: { error?: unknown; error_description?: unknown } }).body;
    if (typeof body?.error === 'string') {
      return {
        response: { status: 200, error: body.error, ...(typeof body.error_description === 'string' ? { error_description: body.error_description } : {}) },
      };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return {};
}

/** Who may read what: the person's profile, their emails (to know which are verified), their orgs and teams. */
const scopes = 'read:user user:email read:org';

/**
 * GitHub (or GitHub Enterprise Server) through OAuth 2: openid-client for the code flow (PKCE,
 * state), then GitHub's REST API for the person, their verified emails, orgs and teams. GitHub
 * has no ID token, so the identity is the numeric user id the API returns for the token.
 */
export function createGithubUpstream(settings: GithubUpstreamSettings): Upstream {
  const base = settings.baseUrl.replace(/\/$/, '');
  const api = settings.apiUrl.replace(/\/$/, '');
  const config = new client.Configuration(
    { issuer: base, authorization_endpoint: `${base}/login/oauth/authorize`, token_endpoint: `${base}/login/oauth/access_token` },
    settings.clientId,
    undefined,
    client.ClientSecretPost(settings.clientSecret),
  );
  config.timeout = upstreamTimeoutMs / 1000;
  if (['localhost', '127.0.0.1', '[::1]'].includes(new URL(base).hostname)) client.allowInsecureRequests(config);

  async function get<T>(token: string, path: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${api}${path}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'tollgate' },
        signal: AbortSignal.timeout(upstreamTimeoutMs),
      });
    } catch (error) {
      throw new UpstreamError('unreachable', `${settings.id}: GET ${path} failed`, { cause: error });
    }
    const answered = { status: response.status, error: response.statusText || String(response.status) };
    if (response.status >= 500) throw new UpstreamError('unreachable', `${settings.id}: GET ${path} answered ${response.status}`, { response: answered });
    // 401: the token expired (GitHub Apps), was revoked, or the app's authorization removed; 403 on /user: the account is suspended.
    if (!response.ok) throw new UpstreamError('refused', `${settings.id}: GET ${path} answered ${response.status}`, { response: answered });
    return (await response.json()) as T;
  }

  async function readPerson(token: string): Promise<UpstreamProfile> {
    const user = await get<GithubUser>(token, '/user');
    const [emails, orgs, teams] = await Promise.all([
      get<Array<{ email: string; verified: boolean; primary: boolean }>>(token, '/user/emails?per_page=100'),
      get<Array<{ login: string }>>(token, '/user/orgs?per_page=100'),
      get<Array<{ slug: string; organization: { login: string } }>>(token, '/user/teams?per_page=100'),
    ]);
    const email = emails.find((candidate) => candidate.primary && candidate.verified) ?? emails.find((candidate) => candidate.verified);
    return {
      subject: String(user.id),
      username: user.login,
      name: user.name ?? undefined,
      email: email?.email.toLowerCase(),
      emailVerified: email !== undefined,
      groups: [...orgs.map((org) => org.login), ...teams.map((team) => `${team.organization.login}/${team.slug}`)],
      claims: {},
      credential: undefined,
    };
  }

  /** A GitHub App's user token expired (8 h): a new pair for the refresh token, or `refused`. */
  async function renew(refreshToken: string): Promise<GithubCredential> {
    try {
      return credentialOf(await client.refreshTokenGrant(config, refreshToken));
    } catch (error) {
      if (isUnreachable(error)) throw new UpstreamError('unreachable', `${settings.id} could not be reached to refresh a user token`, { cause: error });
      // Refresh token expired (6 months), revoked, or the app's authorization removed.
      throw new UpstreamError('refused', `${settings.id} refused the refresh token`, { cause: error, ...responseOf(error) });
    }
  }

  return {
    settings,
    authorizationOrigin: () => new URL(base).origin,
    async authorizationUrl(checks) {
      return client.buildAuthorizationUrl(config, {
        redirect_uri: checks.redirectUri,
        scope: scopes,
        state: checks.state,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      });
    },
    async complete(callback, checks) {
      let credential: GithubCredential;
      try {
        credential = credentialOf(
          await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state, idTokenExpected: false }),
        );
      } catch (error) {
        if (error instanceof client.AuthorizationResponseError) throw new UpstreamError('access_denied', error.error, { cause: error });
        if (isUnreachable(error)) throw new UpstreamError('unreachable', `${settings.id} could not be reached`, { cause: error });
        throw new UpstreamError('rejected', (error as Error).message, { cause: error });
      }
      try {
        return { ...(await readPerson(credential.accessToken)), credential: serialize(credential) };
      } catch (error) {
        // At sign-in, an API refusal means the answer cannot be used, not that a login must end.
        throw error instanceof UpstreamError && error.code === 'refused' ? new UpstreamError('rejected', error.message, { cause: error }) : error;
      }
    },
    async recheck(subject, stored) {
      if (!stored) throw new UpstreamError('unreachable', `${settings.id}: no stored token to re-check with`);
      let credential = parse(stored);
      let profile: UpstreamProfile;
      try {
        profile = await readPerson(credential.accessToken);
      } catch (error) {
        // 401 with a refresh token: a GitHub App's user token expired, not a refusal. Without one
        // (an OAuth App's tokens do not expire), or if the refresh is refused, the person is gone.
        if (!(error instanceof UpstreamError && error.response?.status === 401 && credential.refreshToken)) throw error;
        credential = await renew(credential.refreshToken);
        profile = await readPerson(credential.accessToken);
      }
      if (profile.subject !== subject) throw new UpstreamError('refused', `${settings.id} answered for another person`);
      return { ...profile, credential: serialize(credential) };
    },
  };
}
