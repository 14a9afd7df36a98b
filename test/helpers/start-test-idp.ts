import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';

import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

import { mintRefreshTokenIds } from '../../src/kernel/provider-internals.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';
import { listenOnLoopback } from './free-port.ts';

export interface IdpClient {
  clientId: string;
  /** Absent for a private_key_jwt client. */
  clientSecret?: string;
  redirectUri: string;
  /** How the client must authenticate at the token endpoint; client_secret_basic by default. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  /** The public keys of a private_key_jwt client. */
  jwks?: { keys: JWK[] };
}

export interface TestIdpOptions {
  /**
   * The token endpoint authentication methods the IdP advertises in its discovery. Without
   * client_secret_basic, the token endpoint refuses HTTP Basic as some IdPs (Glewlwyd) do;
   * oidc-provider itself would take Basic and post interchangeably.
   */
  clientAuthMethods?: string[];
}

/** Rewrites the next ID tokens the IdP issues, re-signed with its own key or a foreign one. */
export type IdTokenTamper = (payload: JWTPayload) => { payload: JWTPayload; key: 'own' | 'foreign' };

export interface TestIdp {
  issuer: string;
  /** sub -> claims (preferred_username, name, email, email_verified, groups, ...); a missing sub is disabled. */
  people: Map<string, Record<string, unknown>>;
  /**
   * The sub that signs in at the next authorization, or 'deny' for access_denied; a browser's
   * x-idp-user header wins, so tests running at once each sign in as their own person.
   */
  nextSignIn: string;
  tamper: IdTokenTamper | undefined;
  /** Every code, ID token, access and refresh token this IdP handed out, for leak checks. */
  issued: string[];
  /** While true every connection is dropped unanswered: an outage, until set back to false. */
  down: boolean;
  /** Milliseconds every answer waits before it is sent: a slow IdP. */
  delayMs: number;
  stop(): Promise<void>;
}

/**
 * A second, real OpenID Provider for upstream sign-in tests: oidc-provider on a free port with
 * discovery, JWKS, code flow with PKCE, refresh tokens and a scripted sign-in (the test says
 * who signs in next).
 */
export async function startTestIdp(clients: IdpClient[], options: TestIdpOptions = {}): Promise<TestIdp> {
  const kid = 'idp-key-1';
  const own = await generateKeyPair('ES256', { extractable: true });
  const foreign = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(own.privateKey)), kid, alg: 'ES256', use: 'sig' };

  // The issuer names the port, so the server listens before the provider exists.
  const app: { handle?: (req: never, res: never) => void } = {};
  const server: Server = createServer((req, res) => {
    if (idp.down) return void req.socket.destroy();
    if (idp.delayMs > 0) return void setTimeout(() => app.handle?.(req as never, res as never), idp.delayMs);
    app.handle?.(req as never, res as never);
  });
  const issuer = await listenOnLoopback(server);

  const idp: TestIdp = {
    issuer,
    people: new Map(),
    nextSignIn: '',
    tamper: undefined,
    issued: [],
    down: false,
    delayMs: 0,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const store = createMemoryStorage();
  const provider = new Provider(issuer, {
    adapter: function AdapterFor(model: string) {
      return store.modelAdapter(model);
    } as never,
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 86400, IdToken: 600, Interaction: 600, RefreshToken: 86400, Session: 3600 },
    clients: clients.map(({ clientId, clientSecret, redirectUri, tokenEndpointAuthMethod, jwks }) => ({
      client_id: clientId,
      ...(clientSecret ? { client_secret: clientSecret } : {}),
      ...(tokenEndpointAuthMethod ? { token_endpoint_auth_method: tokenEndpointAuthMethod } : {}),
      ...(jwks ? { jwks } : {}),
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      id_token_signed_response_alg: 'ES256',
    })),
    jwks: { keys: [jwk] },
    ...(options.clientAuthMethods ? { clientAuthMethods: options.clientAuthMethods as never } : {}),
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    findAccount: async (_ctx, sub) => {
      const claims = idp.people.get(sub);
      return claims ? { accountId: sub, claims: () => ({ sub, ...claims }) } : undefined;
    },
    claims: { openid: ['sub'], profile: ['preferred_username', 'name', 'department'], email: ['email', 'email_verified'], groups: ['groups'] },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'groups'],
    // Claims of the granted scopes go into the ID token itself, as many IdPs do.
    conformIdTokenClaims: false,
    issueRefreshToken: async () => true,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
  });
  // tollgate's stores find a refresh token by the grant its id names (storage/refresh-token-ids.ts).
  mintRefreshTokenIds(provider, ({ grantId, accountId }) => (grantId && accountId ? store.refreshTokenId({ grantId, accountId }) : undefined));
  if (options.clientAuthMethods && !options.clientAuthMethods.includes('client_secret_basic')) {
    provider.use(async (ctx, next) => {
      if (ctx.path !== '/token' || !/^basic /i.test(ctx.get('authorization'))) return next();
      ctx.status = 401;
      ctx.body = { error: 'invalid_client', error_description: 'client authentication by HTTP Basic is not supported' };
    });
  }
  provider.use(scriptedSignIn(provider, idp));
  provider.use(async (ctx: KoaContextWithOIDC, next) => {
    await next();
    const location = ctx.response.get('location');
    const code = location ? new URL(location, issuer).searchParams.get('code') : null;
    if (code) idp.issued.push(code);
    if (ctx.path !== '/token' || typeof ctx.body !== 'object' || ctx.body === null) return;
    const body = ctx.body as Record<string, string>;
    if (body.id_token && idp.tamper) {
      const { payload, key } = idp.tamper(decodeJwt(body.id_token));
      body.id_token = await new SignJWT(payload)
        .setProtectedHeader({ alg: 'ES256', kid })
        .sign((key === 'own' ? own.privateKey : foreign.privateKey) as CryptoKey);
    }
    for (const name of ['id_token', 'access_token', 'refresh_token']) if (body[name]) idp.issued.push(body[name]);
  });
  app.handle = provider.callback() as never;
  return idp;
}

/** The IdP's sign-in and consent pages, answered at once for whoever the test named. */
function scriptedSignIn(provider: Provider, idp: TestIdp) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    if (!/^\/interaction\/[^/]+$/.test(ctx.path)) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    ctx.respond = false;
    if (details.prompt.name === 'login') {
      const who = ctx.get('x-idp-user') || idp.nextSignIn;
      const result = who === 'deny' ? { error: 'access_denied', error_description: 'the person said no' } : { login: { accountId: who } };
      return provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    }
    const grant = new provider.Grant({ accountId: details.session?.accountId as string, clientId: details.params.client_id as string });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    return provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  };
}
