import * as client from 'openid-client';

import type { GithubUpstreamSettings } from '../config/upstream-schema.ts';
import { isUnreachable, UpstreamError, upstreamTimeoutMs, type Upstream, type UpstreamProfile } from './upstream.ts';

interface GithubUser {
  id: number;
  login: string;
  name: string | null;
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
    if (response.status >= 500) throw new UpstreamError('unreachable', `${settings.id}: GET ${path} answered ${response.status}`);
    // 401: the token was revoked (or the app's authorization removed); 403 on /user: the account is suspended.
    if (!response.ok) throw new UpstreamError('refused', `${settings.id}: GET ${path} answered ${response.status}`);
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
      credential: token,
    };
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
      let token: string;
      try {
        const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state, idTokenExpected: false });
        token = tokens.access_token;
      } catch (error) {
        if (error instanceof client.AuthorizationResponseError) throw new UpstreamError('access_denied', error.error, { cause: error });
        if (isUnreachable(error)) throw new UpstreamError('unreachable', `${settings.id} could not be reached`, { cause: error });
        throw new UpstreamError('rejected', (error as Error).message, { cause: error });
      }
      try {
        return await readPerson(token);
      } catch (error) {
        // At sign-in, an API refusal means the answer cannot be used, not that a login must end.
        throw error instanceof UpstreamError && error.code === 'refused' ? new UpstreamError('rejected', error.message, { cause: error }) : error;
      }
    },
    async recheck(subject, credential) {
      if (!credential) throw new UpstreamError('unreachable', `${settings.id}: no stored token to re-check with`);
      const profile = await readPerson(credential);
      if (profile.subject !== subject) throw new UpstreamError('refused', `${settings.id} answered for another person`);
      return profile;
    },
  };
}
