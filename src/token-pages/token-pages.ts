import type { Context, Next } from 'koa';

import type { AccountRecord } from '../accounts/account-record.ts';
import { AppError } from '../errors.ts';
import { sendPage, sendServerError, sendUnavailable } from '../pages/notice-pages.ts';
import { readForm } from '../pages/read-form.ts';
import { maintainedResources } from '../resources/resource-maintainers.ts';
import { tokenInForce } from '../resource-tokens/resource-token-record.ts';
import { expiringSoonMs } from '../admin/resource-tokens/resource-token-view.ts';
import { StorageUnavailableError } from '../storage/storage-unavailable.ts';
import { ReverifyBusyError } from '../upstreams/reverify-busy-error.ts';
import { sendCopyScript } from './copy-script.ts';
import { signInPath, tokenPagesPrefix } from './page-chrome.ts';
import { clearPageCookie, sessionCookie } from './page-cookies.ts';
import { resourceListPage } from './resource-list-page.ts';
import { isPublisherRoute, methodsOf, resourceRouteOf } from './page-routes.ts';
import { createPublisherActions } from './publisher-actions.ts';
import { createTokenActions, type SignedRequest } from './token-actions.ts';
import { sendFormNotVerified, sendNoSuchPage, sendNotMaintainer, sendRefused } from './token-pages-notices.ts';
import type { TokenPagesDeps } from './token-pages-deps.ts';
import { createTokenPagesSignIn } from './token-pages-sign-in.ts';

/**
 * The maintainers' token pages under /tokens (SPEC §15): sign-in, the APIs I maintain, one
 * API's tokens (make, rotate, revoke), its trusted publishers (add, remove) and its recent activity. Server-rendered like the device
 * pages; no script but a copy button. Every request but sign-in needs a live session, re-reads
 * the account (re-checked upstream when due, as a refresh is) and, under a resource, that the
 * account maintains it now; every POST carries the session's anti-forgery token.
 */
export function createTokenPages(deps: TokenPagesDeps) {
  const signIn = createTokenPagesSignIn(deps);
  const actions = createTokenActions(deps);
  const publisherActions = createPublisherActions(deps, actions.showResource);

  /** The signed-in maintainer, or undefined once the request was sent to the sign-in page. */
  async function signedRequest(ctx: Context): Promise<SignedRequest | undefined> {
    const cookie = ctx.cookies.get(sessionCookie);
    const session = await deps.sessions.find(cookie);
    let account: AccountRecord | undefined;
    if (session) {
      account = await deps.accounts.get(session.accountId);
      if (account && !account.disabled) account = await deps.reverify(account);
      if (!account || account.disabled) await deps.sessions.end(session.id);
    }
    if (!session || !account || account.disabled) {
      if (cookie) clearPageCookie(ctx, sessionCookie, deps.secureCookies);
      const reading = ctx.method === 'GET' || ctx.method === 'HEAD';
      const query = reading ? `next=${encodeURIComponent(ctx.path)}${cookie ? '&done=ended' : ''}` : 'done=post';
      ctx.status = 303;
      ctx.redirect(`${signInPath}?${query}`);
      return undefined;
    }
    return { account, csrf: deps.csrf.token(session.id), sessionId: session.id };
  }

  async function listResources(ctx: Context, signed: SignedRequest): Promise<void> {
    const mine = maintainedResources(await deps.resources.list(), signed.account, deps.upstreams.settings);
    const now = Date.now();
    const summaries = await Promise.all(
      mine.map(async (resource) => {
        const live = (await deps.selfService.store.list(resource.identifier)).filter((record) => tokenInForce(record, now));
        return { resource, live: live.length, expiringSoon: live.filter((record) => Date.parse(record.expiresAt) - now < expiringSoonMs).length };
      }),
    );
    sendPage(ctx, 200, resourceListPage(signed, summaries));
  }

  async function route(ctx: Context, path: string): Promise<void> {
    if (path === '/copy.js' && (ctx.method === 'GET' || ctx.method === 'HEAD')) return sendCopyScript(ctx);
    if (path === '/sign-in' || path === '/sign-in/upstream') return signIn.handle(ctx, path);
    const resource = resourceRouteOf(path);
    if (path !== '/' && path !== '/sign-out' && !resource) return sendNoSuchPage(ctx, undefined);

    const allowed = path === '/sign-out' ? ['POST'] : resource ? methodsOf(resource.route) : ['GET'];
    if (!allowed.includes(ctx.method === 'HEAD' ? 'GET' : ctx.method)) {
      ctx.set('allow', allowed.join(', '));
      ctx.status = 405;
      return;
    }
    const signed = await signedRequest(ctx);
    if (!signed) return;
    const form = ctx.method === 'POST' ? await readForm(ctx) : undefined;
    if (ctx.method === 'POST' && !form) return;
    if (form && !deps.csrf.verify(signed.sessionId, form.csrf)) return sendFormNotVerified(ctx, signed);

    if (path === '/sign-out') {
      await deps.sessions.end(signed.sessionId);
      clearPageCookie(ctx, sessionCookie, deps.secureCookies);
      ctx.status = 303;
      return ctx.redirect(`${signInPath}?done=signed-out`);
    }
    if (!resource) return listResources(ctx, signed);
    const { route } = resource;
    try {
      const maintained = await actions.maintained(signed, resource.identifier);
      await (isPublisherRoute(route) ? publisherActions.handle(ctx, signed, maintained, route, form) : actions.handle(ctx, signed, maintained, route, form));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'forbidden') return sendNotMaintainer(ctx, signed);
      if (error.code === 'not_found')
        return sendNoSuchPage(
          ctx,
          signed,
          isPublisherRoute(route)
            ? 'This API has no such trusted publisher (a removed one is gone).'
            : 'This API has no such token (an expired token is gone).',
        );
      if (error.code === 'conflict') return sendRefused(ctx, signed, 409, 'This token is revoked: make a new one instead.');
      throw error;
    }
  }

  return {
    /** For the upstream callback: a round trip started on the sign-in page ends here. */
    signedIn: signIn.signedIn,
    async tokenPages(ctx: Context, next: Next): Promise<void> {
      if (ctx.path !== tokenPagesPrefix && !ctx.path.startsWith(`${tokenPagesPrefix}/`)) return next();
      try {
        await route(ctx, ctx.path.slice(tokenPagesPrefix.length) || '/');
      } catch (error) {
        if (error instanceof StorageUnavailableError || error instanceof ReverifyBusyError) return sendUnavailable(ctx);
        // A person's page, never the error middleware's JSON: logged here, shown without detail.
        deps.logger.error({ reqId: ctx.state.requestId, err: error }, 'token page failed');
        sendServerError(ctx);
      }
    },
  };
}
