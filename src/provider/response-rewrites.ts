import { errors, type KoaContextWithOIDC } from 'oidc-provider';

import { isDisallowedGrant, isMissingClientAuthentication } from '../kernel/provider-internals.ts';
import { renderProtocolError } from '../http/render-protocol-error.ts';

type ErrorBody = { error?: string; error_description?: string };
/** Changes what oidc-provider answered, once it has answered. */
export type Rewrite = (ctx: KoaContextWithOIDC) => void;

/**
 * RFC 6749 §5.2: a client using a grant type it is not registered for gets
 * `unauthorized_client`; oidc-provider answers `invalid_request` there. RFC 8628 §3.2 answers
 * device authorization errors as the token endpoint does, so the same holds at /device/auth.
 */
export const unauthorizedClientForDisallowedGrant: Rewrite = (ctx) => {
  const body = ctx.body as ErrorBody | undefined;
  const route = ctx.oidc?.route;
  if ((route === 'token' || route === 'device_authorization') && isDisallowedGrant(body)) {
    renderProtocolError(ctx, new errors.UnauthorizedClient(body?.error_description));
  }
};

/** RFC 8628 §3.2: the device authorization response tells the client how often to poll. */
export function devicePollInterval(intervalSeconds: number): Rewrite {
  return (ctx) => {
    if (ctx.oidc?.route === 'device_authorization' && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
      (ctx.body as Record<string, unknown>).interval = intervalSeconds;
    }
  };
}

/**
 * RFC 6749 §5.2 (and RFC 7009 §2.1, RFC 7662 §2.3 through it): a request that carries no
 * client authentication at all is `invalid_client` with 401; oidc-provider answers
 * `invalid_request`.
 */
export const invalidClientWithoutAuthentication: Rewrite = (ctx) => {
  const body = ctx.body as ErrorBody | undefined;
  if (isMissingClientAuthentication(body)) {
    renderProtocolError(ctx, new errors.InvalidClientAuth('client authentication is required'));
  }
};

/**
 * RFC 6749 §5.1: token responses carry `Cache-Control: no-store` (oidc-provider sets it) and
 * `Pragma: no-cache`, for HTTP/1.0 caches.
 */
export const noCacheTokenResponses: Rewrite = (ctx) => {
  if (ctx.oidc?.route === 'token') ctx.set('pragma', 'no-cache');
};
