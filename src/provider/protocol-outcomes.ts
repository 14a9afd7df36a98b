import type { KoaContextWithOIDC } from 'oidc-provider';

import { requestIdOf } from '../http/request-log.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';

type Next = () => Promise<unknown>;

// A device polling while its person signs in is the normal flow (RFC 8628 §3.5), not news.
const routine = new Set(['authorization_pending', 'slow_down']);

/**
 * Logs and counts the error a client received from the token and device authorization
 * endpoints. It is the outermost provider middleware, so it sees the answer after every rewrite
 * (response-rewrites.ts, device-poll-pacing.ts): oidc-provider's own error events fire before
 * them, with codes the client never got.
 */
export function createProtocolOutcomes({ logger, metrics }: { logger: Logger; metrics: Metrics }) {
  return async function recordProtocolOutcome(ctx: KoaContextWithOIDC, next: Next) {
    await next();
    const route = ctx.oidc?.route;
    if (route !== 'token' && route !== 'device_authorization') return;
    const code = ctx.status >= 400 ? (ctx.body as { error?: unknown } | undefined)?.error : undefined;
    if (typeof code !== 'string') return;
    if (route === 'token') metrics.tokenError(code);
    else metrics.deviceAuthorizationError(code);
    const level = routine.has(code) ? 'debug' : 'info';
    logger[level]({ reqId: requestIdOf(ctx), clientId: ctx.oidc.client?.clientId, error: code }, route === 'token' ? 'token request refused' : 'device authorization refused');
  };
}
