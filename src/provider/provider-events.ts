import type Provider from 'oidc-provider';

import type { ClientRegistry } from '../clients/client-registry.ts';
import type { Logger } from '../logger.ts';

/**
 * The one place oidc-provider events are subscribed. Log lines carry codes and ids only:
 * no token, code or secret is ever part of what is logged.
 */
export function subscribeProviderEvents(provider: Provider, deps: { clients: ClientRegistry; logger: Logger }): void {
  const { clients, logger } = deps;

  provider.on('grant.success', (ctx) => {
    const clientId = ctx.oidc.client?.clientId;
    if (clientId) clients.touch(clientId);
  });

  provider.on('server_error', (ctx, error) => {
    logger.error({ reqId: ctx.state?.requestId, route: ctx.oidc?.route, err: error }, 'provider server error');
  });

  provider.on('grant.error', (ctx, error) => {
    const code = (error as { error?: string }).error;
    // A device polling while its person signs in is the normal flow (RFC 8628 §3.5), not news.
    const level = code === 'authorization_pending' || code === 'slow_down' ? 'debug' : 'info';
    logger[level]({ reqId: ctx.state?.requestId, clientId: ctx.oidc?.client?.clientId, error: code }, 'token request refused');
  });
}
