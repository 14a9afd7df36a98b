import type { Context, Next } from 'koa';

/**
 * `verification_uri_complete` (RFC 8628 §3.3.1) opens `/device?user_code=...`. oidc-provider
 * answers it with a form that submits itself by inline script, which our CSP forbids, and
 * RFC 8628 §5.4 wants the person to compare the code with the device's before going on. So
 * the code is handed to our code page as `prefill`, shown in the field, and submitted by a click.
 */
export function userCodePrefill(ctx: Context, next: Next) {
  if (ctx.method !== 'GET') return next();
  const code = ctx.query.user_code;
  if (typeof code === 'string') ctx.req.url = `${ctx.path}?prefill=${encodeURIComponent(code.slice(0, 32))}`;
  return next();
}
