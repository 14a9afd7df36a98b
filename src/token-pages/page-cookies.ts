import type { Context } from 'koa';

import { tokenPagesPrefix } from './page-chrome.ts';

/** The signed-in maintainer's session id (page-sessions.ts). */
export const sessionCookie = 'tollgate.tokens';
/** Ties a sign-in form to the browser that loaded it (its anti-forgery token is derived from it). */
export const signInCookie = 'tollgate.tokens-sign-in';

/**
 * A cookie of the token pages: sent back only to them, never readable by a script, not sent
 * with another site's POST (SameSite=Lax, as the device pages' cookies; Strict would drop the
 * session on the redirect back from an identity provider, a navigation another site started),
 * Secure when the issuer is https. Written by hand, not with koa's cookies: those refuse
 * Secure on a plain-HTTP hop behind a TLS proxy when trustProxy is off, and the issuer is what
 * browsers see.
 */
export function setPageCookie(ctx: Pick<Context, 'append'>, name: string, value: string, maxAgeSeconds: number, secure: boolean): void {
  ctx.append('set-cookie', `${name}=${value}; Path=${tokenPagesPrefix}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`);
}

export function clearPageCookie(ctx: Pick<Context, 'append'>, name: string, secure: boolean): void {
  setPageCookie(ctx, name, '', 0, secure);
}
