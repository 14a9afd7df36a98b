import type Provider from 'oidc-provider';

import type { ClientRegistry } from '../clients/client-registry.ts';
import { requestIdOf } from '../http/request-log.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { SecurityEvents } from '../security/security-events.ts';
import { isRefreshTokenReuse, onProviderKoaError } from '../kernel/provider-internals.ts';

/**
 * The one place oidc-provider events are subscribed. Log lines carry codes and ids only:
 * no token, code or secret is ever part of what is logged.
 */
export function subscribeProviderEvents(
  provider: Provider,
  deps: { clients: ClientRegistry; logger: Logger; metrics: Metrics; securityEvents: SecurityEvents },
): void {
  const { clients, logger, metrics, securityEvents } = deps;

  // The one place refresh-token reuse is reported, whichever of oidc-provider or our storage
  // detected it (both revoke the grant before the error is thrown).
  provider.on('grant.error', (ctx, error) => {
    if (!isRefreshTokenReuse(ctx, error)) return;
    const who = { reqId: requestIdOf(ctx), ip: ctx.ip, clientId: ctx.oidc.client?.clientId, accountId: ctx.oidc.account?.accountId };
    securityEvents.emit('refresh_token.reuse_detected', who);
    securityEvents.emit('grant.revoked', { ...who, reason: 'refresh_token_reuse' });
  });

  provider.on('grant.success', (ctx) => {
    const clientId = ctx.oidc.client?.clientId;
    if (clientId) {
      clients.touch(clientId, ctx);
      // The grant type was validated before this event: one of the few the provider enables.
      metrics.tokenIssued(String(ctx.oidc.params?.grant_type), clientId);
    }
  });

  // Error codes clients receive are logged and counted by protocol-outcomes.ts, after our rewrites.
  provider.on('server_error', (ctx, error) => {
    logger.error({ reqId: requestIdOf(ctx), route: ctx.oidc?.route, err: error }, 'provider server error');
  });

  // oidc-provider is itself a koa app: koa reports failures outside the protocol handlers (a
  // client cutting its request short, a reset socket) as 'error', and with no listener prints
  // their stack to stderr. They belong in the structured log, as client faults when they are.
  onProviderKoaError(provider, (error, ctx) => {
    const clientFault = (error.status ?? 500) < 500 || /^(HPE_|ECONNRESET|EPIPE|ECONNABORTED|ERR_STREAM_PREMATURE_CLOSE)/.test(error.code ?? '');
    if (clientFault) logger.info({ reqId: ctx && requestIdOf(ctx), err: { message: error.message, code: error.code } }, 'request ended abnormally');
    else logger.error({ reqId: ctx && requestIdOf(ctx), err: error }, 'provider request failed');
  });
}
