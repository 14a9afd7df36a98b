import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';

import type { AccountRecord } from '../accounts/account-record.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import { requestIdOf } from '../http/request-log.ts';
import type { SecurityEvents } from '../security/security-events.ts';
import { StorageUnavailableError } from '../storage/storage-unavailable.ts';
import { signInAccount } from '../upstreams/link-account.ts';
import { startedOn } from '../upstreams/pending-logins.ts';
import type { TokenSealer } from '../upstreams/token-sealer.ts';
import { UpstreamError, type Upstream, type UpstreamErrorCode } from '../upstreams/upstream.ts';
import type { Attempt, AttemptLimits } from './attempt-limits.ts';
import { sendTooManyAttempts, sendUnavailable } from './notice-pages.ts';
import { sendUpstreamProblem, type UpstreamProblem } from './upstream-pages.ts';
import { bindingCookie, redirectUri, type UpstreamSignInDeps } from './upstream-start.ts';

/** How a round trip started on one of our own pages (not a device login) ends. */
export interface PageSignIn {
  /** The page's sign-in page, to try again from. */
  retry: string;
  /** Signs the account in to the pages and answers with the page it asked for. */
  signedIn(ctx: Context, account: AccountRecord, page: string): Promise<void>;
}

export interface UpstreamCallbackDeps extends UpstreamSignInDeps {
  provider: Provider;
  accounts: AccountStore;
  sealer: TokenSealer;
  securityEvents: SecurityEvents;
  limits: AttemptLimits;
  pageSignIn: PageSignIn;
}

const route = /^\/upstream\/([a-z0-9-]{1,32})\/callback$/;
const startOver = '/device';

/**
 * The redirect URI every upstream sends the person back to (`<issuer>/upstream/<id>/callback`).
 * The state must be a pending login of this upstream, not used before, started by this same
 * browser; then the code is redeemed (openid-client checks PKCE, nonce, ID token, RFC 9207
 * `iss`), admission and linking decide the account, and the interaction continues to the
 * unchanged confirm page (or, for a sign-in started on the token pages, those pages do). Anything else ends on a page that says what happened. Callbacks are
 * counted per IP, and one that signs someone in is given back, so only failures add up.
 */
export function createUpstreamCallback(deps: UpstreamCallbackDeps) {
  return async function upstreamCallback(ctx: Context, next: Next) {
    const match = route.exec(ctx.path);
    if (!match) return next();
    if (ctx.method !== 'GET') {
      ctx.set('allow', 'GET');
      ctx.status = 405;
      return;
    }
    const upstream = deps.upstreams.get(match[1] as string);
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : undefined;
    const attempts: Attempt[] = [['upstreamCallbackPerIp', ctx.ip]];
    try {
      const limited = await deps.limits.hit(attempts);
      if (limited) {
        deps.securityEvents.emit('rate_limit.hit', { reqId: requestIdOf(ctx), ip: ctx.ip, limit: 'upstream_callback' });
        return sendTooManyAttempts(ctx, limited.retryAfterSeconds);
      }
      const problem = upstream && state ? await finish(ctx, deps, upstream, state) : problemFor('unknown', startAgain(deps, state));
      if (problem) {
        deps.securityEvents.emit('sign_in.failed', { reqId: requestIdOf(ctx), ip: ctx.ip, upstream: upstream?.settings.id, reason: problem.title });
        sendUpstreamProblem(ctx, problem);
      } else await deps.limits.refund(attempts);
    } catch (error) {
      if (error instanceof StorageUnavailableError) return sendUnavailable(ctx);
      throw error;
    }
  };
}

/**
 * Where to start again when the login itself is gone (unknown, expired, used already): where
 * the state says it was started, or, when it says nothing, no guess (the page offers both).
 */
function startAgain(deps: UpstreamCallbackDeps, state: string | undefined): string | undefined {
  const on = state === undefined ? undefined : startedOn(state);
  return on === 'device' ? startOver : on === 'page' ? deps.pageSignIn.retry : undefined;
}

async function finish(ctx: Context, deps: UpstreamCallbackDeps, upstream: Upstream, state: string): Promise<UpstreamProblem | undefined> {
  const { settings } = upstream;
  const taken = await deps.pending.take(state, settings.id, ctx.cookies.get(bindingCookie));
  if ('problem' in taken) return problemFor(taken.problem, startAgain(deps, state));
  const { login } = taken;
  ctx.cookies.set(bindingCookie, null, { path: '/upstream/' });

  const interaction = 'uid' in login ? await deps.provider.Interaction.find(login.uid) : undefined;
  if ('uid' in login && (!interaction || interaction.prompt.name !== 'login')) return problemFor('unknown', startOver);
  const retry = interaction ? `/interaction/${interaction.uid}` : deps.pageSignIn.retry;

  let profile;
  try {
    const callback = new URL(redirectUri(deps.issuer, settings.id));
    callback.search = ctx.querystring;
    profile = await upstream.complete(callback, { state, nonce: login.nonce, codeVerifier: login.codeVerifier, redirectUri: callback.href });
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    deps.logger.info(
      { upstream: settings.id, code: error.code, err: { message: error.message }, upstreamResponse: error.response },
      'upstream answer not accepted',
    );
    return problemFor(error.code, retry, settings.name);
  }
  const outcome = await signInAccount(deps, settings, profile);
  if ('refused' in outcome) return { status: 403, title: 'You cannot sign in here', message: outcome.refused, retry };

  deps.securityEvents.emit('sign_in.succeeded', { reqId: requestIdOf(ctx), ip: ctx.ip, accountId: outcome.account.id, upstream: settings.id });
  if (!interaction) {
    await deps.pageSignIn.signedIn(ctx, outcome.account, 'page' in login ? login.page : deps.pageSignIn.retry);
    return undefined;
  }
  interaction.result = { login: { accountId: outcome.account.id } };
  await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
  ctx.status = 303;
  ctx.redirect(interaction.returnTo);
  return undefined;
}

type ProblemKind = UpstreamErrorCode | 'unknown' | 'replayed' | 'foreign';

function problemFor(kind: ProblemKind, retry: string | undefined, name = 'The identity provider'): UpstreamProblem {
  switch (kind) {
    case 'replayed':
      return { status: 400, title: 'Sign-in link already used', message: 'This sign-in answer was already used once. Each one works only once.', retry };
    case 'foreign':
      return {
        status: 403,
        title: 'Sign-in does not match',
        message: 'This sign-in answer belongs to a sign-in started elsewhere, not in this browser.',
        retry,
      };
    case 'access_denied':
      return { status: 403, title: 'Sign-in cancelled', message: `${name} did not sign you in: it was cancelled or refused there.`, retry };
    case 'unreachable':
      return {
        status: 503,
        title: `${name} is not reachable`,
        message: `${name} cannot be reached right now. Try again in a while, or sign in another way.`,
        retry,
      };
    case 'rejected':
    case 'refused':
      return {
        status: 400,
        title: 'Sign-in could not be verified',
        message: `The answer from ${name} failed tollgate's checks, so it was not accepted.`,
        retry,
      };
    case 'unknown':
      return { status: 400, title: 'Sign-in expired', message: 'This sign-in is unknown or has expired.', retry };
  }
}
