import type { errors, KoaContextWithOIDC } from 'oidc-provider';

/**
 * Renders an oidc-provider error class as the response, the way its own error handler does
 * (RFC 6749 §5.2 JSON), for our post-middlewares that change an outcome after the handler ran.
 */
export function renderProtocolError(ctx: KoaContextWithOIDC, error: errors.OIDCProviderError): void {
  ctx.status = error.statusCode;
  ctx.body = { error: error.error, ...(error.error_description ? { error_description: error.error_description } : {}) };
  // RFC 6749 §5.2: a 401 invalid_client names the scheme the client should have used.
  if (error.statusCode === 401) ctx.set('www-authenticate', 'Basic realm="tollgate"');
}
