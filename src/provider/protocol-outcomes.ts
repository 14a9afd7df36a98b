import type { KoaContextWithOIDC } from 'oidc-provider';

import { requestIdOf } from '../http/request-log.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';

// A device polling while its person signs in is the normal flow (RFC 8628 §3.5), not news.
const routine = new Set(['authorization_pending', 'slow_down']);

/**
 * Logs and counts the error a client received from the token and device authorization
 * endpoints. It runs after every rewrite (response-rewrites.ts, device-poll-pacing.ts), so it
 * sees the answer the client gets: oidc-provider's own error events fire before them, with
 * codes the client never got.
 */
export function createProtocolOutcomes({ logger, metrics }: { logger: Logger; metrics: Metrics }) {
  return function recordProtocolOutcome(ctx: KoaContextWithOIDC): void {
    const route = ctx.oidc?.route;
    if (route !== 'token' && route !== 'device_authorization') return;
    const code = ctx.status >= 400 ? (ctx.body as { error?: unknown } | undefined)?.error : undefined;
    if (typeof code !== 'string') return;
    if (route === 'token') metrics.tokenError(code);
    else metrics.deviceAuthorizationError(code);
    const level = routine.has(code) ? 'debug' : 'info';
    logger[level](
      { reqId: requestIdOf(ctx), clientId: ctx.oidc.client?.clientId, error: code },
      route === 'token' ? 'token request refused' : 'device authorization refused',
    );
  };
}
