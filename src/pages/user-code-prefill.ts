import type { Context, Next } from 'koa';

import type { ProviderRoutes } from '../provider/provider-routes.ts';

/**
 * `verification_uri_complete` (RFC 8628 §3.3.1) opens `/device?user_code=...`. oidc-provider
 * answers it with a form that submits itself by inline script, which our CSP forbids, and
 * RFC 8628 §5.4 wants the person to compare the code with the device's before going on. So
 * the code is handed to our code page as `prefill`, shown in the field, and submitted by a click.
 */
export function createUserCodePrefill(routes: ProviderRoutes) {
  return async function userCodePrefill(ctx: Context, next: Next) {
    // The route first: every other request (a token request) is spared parsing its query.
    if (ctx.method !== 'GET' || !routes.is('code_verification', ctx.path)) return next();
    const code = ctx.query.user_code;
    if (typeof code === 'string') ctx.req.url = `${ctx.path}?prefill=${encodeURIComponent(code.slice(0, 32))}`;
    return next();
  };
}
