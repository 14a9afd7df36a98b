import { randomBytes } from 'node:crypto';

import type { Context } from 'koa';

import type { AccountRecord } from '../accounts/account-record.ts';
import { requestIdOf } from '../http/request-log.ts';
import { footers } from '../pages/layout.ts';
import { sendTooManyAttempts } from '../pages/notice-pages.ts';
import { checkPassword } from '../pages/password-check.ts';
import { readForm } from '../pages/read-form.ts';
import { sendSignInPage } from '../pages/sign-in-page.ts';
import { startUpstreamSignIn } from '../pages/upstream-start.ts';
import { signInPath, tokenPagesPrefix } from './page-chrome.ts';
import { clearPageCookie, sessionCookie, setPageCookie, signInCookie } from './page-cookies.ts';
import { sendFormNotVerified } from './token-pages-notices.ts';
import type { TokenPagesDeps } from './token-pages-deps.ts';

const nonceShape = /^[A-Za-z0-9_-]{43}$/;
const pagePath = /^\/tokens(?:\/[A-Za-z0-9%._~-]+)*$/;

/** Where to go after signing in: one of the token pages, never anywhere else (an open redirect). */
export function pageAfterSignIn(value: unknown): string {
  if (typeof value !== 'string' || value.length > 512 || !pagePath.test(value) || value.startsWith(signInPath)) return tokenPagesPrefix;
  // No dot segments, however encoded: the browser would resolve them to another path.
  return new URL(value, 'http://tollgate.invalid').pathname === value ? value : tokenPagesPrefix;
}

const notices: Record<string, string> = {
  'signed-out': 'You are signed out.',
  ended: 'Your session has ended. Sign in again to go on.',
  post: 'Your session had ended, so nothing was changed. Sign in again, then try once more.',
};

/**
 * Signing in to the token pages: the device pages' sign-in page, password check and upstream
 * round trip, ending in a session of the pages' own (page-sessions.ts) instead of an
 * oidc-provider interaction. The form's anti-forgery token is derived from a cookie the page
 * sets, so nobody can sign a browser in to their own account by a cross-site post.
 */
export function createTokenPagesSignIn(deps: TokenPagesDeps) {
  const formToken = (nonce: string) => deps.csrf.token(`sign-in:${nonce}`);

  function show(ctx: Context, status: number, filled: { error?: string; username?: string } = {}): void {
    let nonce = ctx.cookies.get(signInCookie);
    if (!nonce || !nonceShape.test(nonce)) {
      nonce = randomBytes(32).toString('base64url');
      setPageCookie(ctx, signInCookie, nonce, deps.signInSeconds, deps.secureCookies);
    }
    const next = encodeURIComponent(pageAfterSignIn(ctx.query.next));
    const notice = typeof ctx.query.done === 'string' ? notices[ctx.query.done] : undefined;
    sendSignInPage(ctx, deps, status, {
      action: `${signInPath}?next=${next}`,
      upstreamAction: `${signInPath}/upstream?next=${next}`,
      csrf: formToken(nonce),
      lead: 'Sign in to manage the tokens of the APIs you maintain.',
      options: { footer: footers.tokens },
      ...(notice ? { notice } : {}),
      ...filled,
    });
  }

  /** Starts a new session (never one carried over from before) and goes to the page asked for. */
  async function signedIn(ctx: Context, account: AccountRecord, page: string): Promise<void> {
    const session = await deps.sessions.start(account.id);
    setPageCookie(ctx, sessionCookie, session.id, deps.sessionSeconds, deps.secureCookies);
    clearPageCookie(ctx, signInCookie, deps.secureCookies);
    ctx.status = 303;
    ctx.redirect(pageAfterSignIn(page));
  }

  async function submit(ctx: Context, upstream: boolean): Promise<void> {
    const form = await readForm(ctx);
    if (!form) return;
    const nonce = ctx.cookies.get(signInCookie);
    if (!nonce || !deps.csrf.verify(`sign-in:${nonce}`, form.csrf)) return sendFormNotVerified(ctx, undefined);
    const next = pageAfterSignIn(ctx.query.next);
    if (upstream) return startUpstreamSignIn(ctx, deps.upstreamSignIn, { page: next }, form.upstream, signInPath);
    if (!deps.passwordSignIn) return show(ctx, 400, { error: 'Sign in with one of the buttons below.' });
    const outcome = await checkPassword(deps, form, { reqId: requestIdOf(ctx), ip: ctx.ip, page: tokenPagesPrefix });
    if ('retryAfterSeconds' in outcome) return sendTooManyAttempts(ctx, outcome.retryAfterSeconds);
    if ('error' in outcome) return show(ctx, 400, outcome);
    await signedIn(ctx, outcome.account, next);
  }

  return {
    signedIn,
    /** GET and POST of /tokens/sign-in, POST of /tokens/sign-in/upstream. */
    async handle(ctx: Context, path: '/sign-in' | '/sign-in/upstream'): Promise<void> {
      if (path === '/sign-in' && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
        // Signed in already: straight on (a session that ended shows the form).
        if (await deps.sessions.find(ctx.cookies.get(sessionCookie))) return ctx.redirect(pageAfterSignIn(ctx.query.next));
        return show(ctx, 200);
      }
      if (ctx.method !== 'POST') {
        ctx.set('allow', path === '/sign-in' ? 'GET, POST' : 'POST');
        ctx.status = 405;
        return;
      }
      await submit(ctx, path === '/sign-in/upstream');
    },
  };
}
