import type { Context } from 'koa';
import * as client from 'openid-client';

import type { Logger } from '../logger.ts';
import type { LoginTarget, PendingLogins } from '../upstreams/pending-logins.ts';
import { UpstreamError } from '../upstreams/upstream.ts';
import type { UpstreamRegistry } from '../upstreams/upstream-registry.ts';
import { sendUpstreamProblem } from './upstream-pages.ts';

export interface UpstreamSignInDeps {
  upstreams: UpstreamRegistry;
  pending: PendingLogins;
  issuer: string;
  /** Seconds a round trip may take: the interaction's lifetime. */
  ttlSeconds: number;
  logger: Logger;
}

/** Binds a round trip to the browser that started it: the callback must come back with it. */
export const bindingCookie = 'tollgate.upstream';
export const redirectUri = (issuer: string, id: string) => `${issuer}/upstream/${id}/callback`;

/**
 * A "Continue with ..." button was pressed on a sign-in page (a device login's, or the token
 * pages'): store the pending login (state, nonce, PKCE verifier, what it signs in to) and send
 * the browser to the upstream. `retry` is that sign-in page, for the problem pages.
 */
export async function startUpstreamSignIn(ctx: Context, deps: UpstreamSignInDeps, target: LoginTarget, id: string | undefined, retry: string): Promise<void> {
  const upstream = id ? deps.upstreams.get(id) : undefined;
  if (!upstream) return sendUpstreamProblem(ctx, { status: 400, title: 'Unknown sign-in method', message: 'That sign-in method is not offered here.', retry });
  const secrets = { nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
  const { state, binding } = await deps.pending.start(upstream.settings.id, target, secrets);
  let url: URL;
  try {
    url = await upstream.authorizationUrl({ state, ...secrets, redirectUri: redirectUri(deps.issuer, upstream.settings.id) });
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    deps.logger.warn({ upstream: upstream.settings.id, err: { message: error.message } }, 'upstream unreachable at sign-in');
    return sendUpstreamProblem(ctx, {
      status: 503,
      title: `${upstream.settings.name} is not reachable`,
      message: `${upstream.settings.name} cannot be reached right now. Try again in a while, or sign in another way.`,
      retry,
    });
  }
  ctx.cookies.set(bindingCookie, binding, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/upstream/',
    secure: ctx.secure,
    maxAge: deps.ttlSeconds * 1000,
    overwrite: true,
  });
  ctx.status = 303;
  ctx.redirect(url.href);
}
