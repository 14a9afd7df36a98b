import type Koa from 'koa';
import type Provider from 'oidc-provider';

import type { ClientRegistry } from '../clients/client-registry.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';

/**
 * The one place oidc-provider events are subscribed. Log lines carry codes and ids only:
 * no token, code or secret is ever part of what is logged.
 */
export function subscribeProviderEvents(provider: Provider, deps: { clients: ClientRegistry; logger: Logger; metrics: Metrics }): void {
  const { clients, logger, metrics } = deps;

  provider.on('grant.success', (ctx) => {
    const clientId = ctx.oidc.client?.clientId;
    if (clientId) {
      clients.touch(clientId);
      // The grant type was validated before this event: one of the few the provider enables.
      metrics.tokenIssued(String(ctx.oidc.params?.grant_type), clientId);
    }
  });

  provider.on('server_error', (ctx, error) => {
    if (ctx.oidc?.route === 'token') metrics.tokenError('server_error');
    logger.error({ route: ctx.oidc?.route, err: error }, 'provider server error');
  });

  // oidc-provider is itself a koa app: koa reports failures outside the protocol handlers (a
  // client cutting its request short, a reset socket) as 'error', and with no listener prints
  // their stack to stderr. They belong in the structured log, as client faults when they are.
  (provider as unknown as Koa).on('error', (error: Error & { status?: number; code?: string }) => {
    const clientFault = (error.status ?? 500) < 500 || /^(HPE_|ECONNRESET|EPIPE|ECONNABORTED|ERR_STREAM_PREMATURE_CLOSE)/.test(error.code ?? '');
    if (clientFault) logger.info({ err: { message: error.message, code: error.code } }, 'request ended abnormally');
    else logger.error({ err: error }, 'provider request failed');
  });

  provider.on('grant.error', (ctx, error) => {
    const code = (error as { error?: string }).error;
    metrics.tokenError(code ?? 'unknown');
    // A device polling while its person signs in is the normal flow (RFC 8628 §3.5), not news.
    const level = code === 'authorization_pending' || code === 'slow_down' ? 'debug' : 'info';
    logger[level]({ clientId: ctx.oidc?.client?.clientId, error: code }, 'token request refused');
  });
}
