import type { KoaContextWithOIDC } from 'oidc-provider';

import { isUnsavedSessionFailure } from '../kernel/provider-internals.ts';
import { sendFormExpired, sendInteractionExpired } from './notice-pages.ts';

type Next = () => Promise<unknown>;

/**
 * oidc-provider answers the code page (POST /device) and the device resume (GET /device/:uid)
 * with a plain-text 500 when the browser has no session, or one that expired: a client's
 * situation, not a server fault. Those requests get our page instead: the code form has
 * expired (a link starts over), or the sign-in has. The page headers were set on the way in.
 */
export async function guardDeviceSession(ctx: KoaContextWithOIDC, next: Next) {
  try {
    await next();
  } catch (error) {
    if (!isUnsavedSessionFailure(ctx, error)) throw error;
    ctx.remove('set-cookie');
    if (ctx.oidc.route === 'device_resume') sendInteractionExpired(ctx);
    else sendFormExpired(ctx, ctx.oidc.urlFor('code_verification'));
  }
}
