import type { Context, Next } from 'koa';

import type { ProviderRoutes } from '../provider/provider-routes.ts';
import { styleSource } from './layout.ts';

// No script at all, only our one stylesheet (by hash), forms post only to us, and no framing
// (clickjacking an "Approve" button is the attack these pages invite).
// `formTargets`: the sign-in page's upstream buttons post to us and are redirected to the
// upstream's authorization endpoint, and browsers hold redirects after a form post to form-action.
export const contentSecurityPolicy = (formTargets: readonly string[] = []) =>
  [
    "default-src 'none'",
    `style-src ${styleSource}`,
    "img-src 'self'",
    ["form-action 'self'", ...formTargets].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');

// Our own sign-in pages (interaction-routes.ts) and upstream callbacks (upstream-callback.ts).
const interactionPaths = /^\/(?:interaction|upstream)(?:\/|$)/;

/**
 * Security headers for the device-login pages, set before oidc-provider or our routes render
 * them. Nothing there may be cached: the pages carry CSRF tokens and personal details.
 */
export function createPageHeaders(routes: ProviderRoutes) {
  const isPage = (path: string) => interactionPaths.test(path) || routes.is('code_verification', path) || routes.is('device_resume', path);
  return async function pageHeaders(ctx: Context, next: Next) {
    if (isPage(ctx.path)) setPageHeaders(ctx);
    return next();
  };
}

/** The headers every device-login page carries, whoever renders it. */
export function setPageHeaders(ctx: Pick<Context, 'set'>): void {
  ctx.set('content-security-policy', contentSecurityPolicy());
  ctx.set('x-frame-options', 'DENY');
  ctx.set('x-content-type-options', 'nosniff');
  ctx.set('referrer-policy', 'no-referrer');
  ctx.set('cache-control', 'no-store');
  ctx.set('cross-origin-opener-policy', 'same-origin');
}
