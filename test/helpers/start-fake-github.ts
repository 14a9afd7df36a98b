import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import { listenOnLoopback } from './free-port.ts';

export interface FakeGithubUser {
  id: number;
  login: string;
  name: string | null;
  emails: Array<{ email: string; verified: boolean; primary: boolean }>;
  orgs: string[];
  /** "org/team-slug" */
  teams: string[];
}

export interface FakeGithub {
  url: string;
  /** login -> user; a removed user's tokens get 401, as after GitHub revokes an app's authorization. */
  users: Map<string, FakeGithubUser>;
  /** The login that authorizes at the next /login/oauth/authorize (an x-github-user header wins). */
  next: string;
  /** Every code and token handed out, for leak checks. */
  issued: string[];
  /** How many refresh_token grants were answered with new tokens. */
  refreshes: number;
  /** Makes every user access token handed out so far answer 401, as a GitHub App's do after 8 h. */
  expireAccessTokens(): void;
  /**
   * Adds a user, or changes one (keeping its numeric id): by default a member of the acme-labs
   * org and its release team, with a verified primary email at acme.example.
   */
  setUser(login: string, changes?: Partial<FakeGithubUser>): FakeGithubUser;
  stop(): Promise<void>;
}

export interface FakeGithubOptions {
  /**
   * As a GitHub App with expiring user tokens: the code exchange also returns expires_in and a
   * refresh token, redeemed once (grant_type=refresh_token) for a new pair; a removed user's
   * refresh token is refused with GitHub's 200 and `bad_refresh_token`.
   */
  expiringTokens?: boolean;
}

/**
 * A local server speaking the GitHub endpoints tollgate calls, as GitHub documents them: the
 * OAuth web flow (/login/oauth/authorize, /login/oauth/access_token with PKCE) and the REST API
 * (/user, /user/emails, /user/orgs, /user/teams) under /api/v3, as on GitHub Enterprise Server.
 */
export async function startFakeGithub(
  client: { clientId: string; clientSecret: string; redirectUri: string },
  options: FakeGithubOptions = {},
): Promise<FakeGithub> {
  const codes = new Map<string, { login: string; challenge: string; redirectUri: string }>();
  const tokens = new Map<string, string>();
  const refreshTokens = new Map<string, string>();
  let lastUserId = 1000;
  const server = createServer((req, res) => void handle(req, res).catch(() => json(res, 500, { message: 'fake github failed' })));
  const url = await listenOnLoopback(server);
  const github: FakeGithub = {
    url,
    users: new Map(),
    next: '',
    issued: [],
    refreshes: 0,
    expireAccessTokens: () => tokens.clear(),
    setUser(login, changes = {}) {
      const user: FakeGithubUser = {
        id: github.users.get(login)?.id ?? ++lastUserId,
        login,
        name: `${login} of Acme`,
        emails: [
          { email: `${login}@users.noreply.github.com`, verified: true, primary: false },
          { email: `${login}@acme.example`, verified: true, primary: true },
        ],
        orgs: ['acme-labs'],
        teams: ['acme-labs/release'],
        ...changes,
      };
      github.users.set(login, user);
      return user;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function userTokens(login: string) {
    const token = `${options.expiringTokens ? 'ghu' : 'gho'}_${randomBytes(18).toString('hex')}`;
    tokens.set(token, login);
    github.issued.push(token);
    const answer = { access_token: token, token_type: 'bearer', scope: options.expiringTokens ? '' : 'read:user,user:email,read:org' };
    if (!options.expiringTokens) return answer;
    const refreshToken = `ghr_${randomBytes(30).toString('hex')}`;
    refreshTokens.set(refreshToken, login);
    github.issued.push(refreshToken);
    return { ...answer, expires_in: 28800, refresh_token: refreshToken, refresh_token_expires_in: 15811200 };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const target = new URL(req.url ?? '/', url);
    if (target.pathname === '/login/oauth/authorize') {
      const params = target.searchParams;
      if (params.get('client_id') !== client.clientId || params.get('redirect_uri') !== client.redirectUri || params.get('code_challenge_method') !== 'S256') {
        return json(res, 400, { message: 'bad authorization request' });
      }
      const back = new URL(client.redirectUri);
      back.searchParams.set('state', params.get('state') ?? '');
      const login = (req.headers['x-github-user'] as string | undefined) ?? github.next;
      if (login === 'deny') back.searchParams.set('error', 'access_denied');
      else {
        const code = randomBytes(10).toString('hex');
        codes.set(code, { login, challenge: params.get('code_challenge') ?? '', redirectUri: client.redirectUri });
        github.issued.push(code);
        back.searchParams.set('code', code);
      }
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    if (target.pathname === '/login/oauth/access_token' && req.method === 'POST') {
      const form = new URLSearchParams(await body(req));
      if (form.get('grant_type') === 'refresh_token') {
        const login = refreshTokens.get(form.get('refresh_token') ?? '');
        refreshTokens.delete(form.get('refresh_token') ?? '');
        if (form.get('client_id') !== client.clientId || form.get('client_secret') !== client.clientSecret || !login || !github.users.has(login)) {
          return json(res, 200, { error: 'bad_refresh_token', error_description: 'The refresh token passed is incorrect or expired.' });
        }
        github.refreshes += 1;
        return json(res, 200, userTokens(login));
      }
      const grant = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      const pkce = createHash('sha256').update(verifier).digest('base64url');
      if (
        form.get('client_id') !== client.clientId ||
        form.get('client_secret') !== client.clientSecret ||
        !grant ||
        pkce !== grant.challenge ||
        form.get('redirect_uri') !== grant.redirectUri
      ) {
        // GitHub answers a bad code with 200 and an error body.
        return json(res, 200, { error: 'bad_verification_code' });
      }
      return json(res, 200, userTokens(grant.login));
    }
    const user = github.users.get(tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, '')) ?? '');
    if (!target.pathname.startsWith('/api/v3/')) return json(res, 404, { message: 'Not Found' });
    if (!user) return json(res, 401, { message: 'Bad credentials' });
    switch (target.pathname) {
      case '/api/v3/user':
        return json(res, 200, { id: user.id, login: user.login, name: user.name });
      case '/api/v3/user/emails':
        return json(res, 200, user.emails);
      case '/api/v3/user/orgs':
        return json(
          res,
          200,
          user.orgs.map((login) => ({ login })),
        );
      case '/api/v3/user/teams':
        return json(
          res,
          200,
          user.teams.map((team) => ({ slug: team.split('/')[1], organization: { login: team.split('/')[0] } })),
        );
      default:
        return json(res, 404, { message: 'Not Found' });
    }
  }
  return github;
}

function json(res: ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}
