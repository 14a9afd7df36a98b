import type { Context, Next } from 'koa';
import { errors } from 'oidc-provider';

import { sendBadRequest } from './notice-pages.ts';
import { renderProtocolError } from '../http/render-protocol-error.ts';

/**
 * oidc-provider builds its URLs (discovery, the code form's action, the audiences a client
 * assertion may name) from the request's origin: koa's protocol and `Host` (or, behind a trusted
 * proxy, `X-Forwarded-Proto` / `X-Forwarded-Host`), as koa's `href`. One that is no origin (`%%`, `a b`, `[::1`,
 * `x:99999`) made `new URL` throw inside it: a 500 with a stack in the log. RFC 9112 §3.2: a
 * request with an invalid Host is answered 400, here before anything reads it. Origins are
 * checked once each; the memory is bounded as the route lookup's is.
 */
export function createValidHost() {
  const known = new Map<string, boolean>();
  return function validHost(ctx: Context, next: Next) {
    // koa's href: protocol and host, or the request target itself when it is absolute (RFC 9112 §3.2.2).
    const absolute = absoluteTarget.test(ctx.originalUrl);
    const origin = absolute ? ctx.href : `${ctx.protocol}://${ctx.host}`;
    let valid = absolute ? URL.canParse(origin) : known.get(origin);
    if (valid === undefined) {
      valid = isOrigin(origin);
      if (known.size >= maxRememberedOrigins) known.clear();
      known.set(origin, valid);
    }
    if (valid) return next();
    if (ctx.accepts('json', 'html') === 'html') return sendBadRequest(ctx, 400, 'The request named no valid host.');
    renderProtocolError(ctx as Parameters<typeof renderProtocolError>[0], new errors.InvalidRequest('the Host header is not a valid host'));
  };
}

const maxRememberedOrigins = 100;
const absoluteTarget = /^https?:\/\//i;

/** Whether `origin` is a scheme and a host (with an optional port) and nothing else. */
function isOrigin(origin: string): boolean {
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return url.origin !== 'null' && url.pathname === '/' && url.username === '' && url.password === '' && url.search === '' && url.hash === '' && !origin.endsWith('/');
}
