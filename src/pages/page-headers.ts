import type { Context, Next } from 'koa';

import { styleSource } from './layout.ts';

// No script at all, only our one stylesheet (by hash), forms post only to us, and no framing
// (clickjacking an "Approve" button is the attack these pages invite).
// `formTargets`: the sign-in page's upstream buttons post to us and are redirected to the
// upstream's authorization endpoint, and browsers hold redirects after a form post to form-action.
// `scripts`: the one page that may run a script names its file (a copy button, never needed).
export const contentSecurityPolicy = (formTargets: readonly string[] = [], scripts: readonly string[] = []) =>
  [
    "default-src 'none'",
    ...(scripts.length ? [`script-src ${scripts.join(' ')}`] : []),
    `style-src ${styleSource}`,
    "img-src 'self'",
    ["form-action 'self'", ...formTargets].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');

/**
 * Security headers for the device-login pages, set before oidc-provider or our routes render
 * them, on the routes whose row in the request pipeline (http/request-pipeline.ts) names this
 * step: the one place they are set. Nothing there may be cached: the pages carry CSRF tokens
 * and personal details.
 */
export function pageHeaders(ctx: Pick<Context, 'set'>, next: Next) {
  ctx.set('content-security-policy', contentSecurityPolicy());
  ctx.set('x-frame-options', 'DENY');
  ctx.set('x-content-type-options', 'nosniff');
  ctx.set('referrer-policy', 'no-referrer');
  ctx.set('cache-control', 'no-store');
  ctx.set('cross-origin-opener-policy', 'same-origin');
  return next();
}
