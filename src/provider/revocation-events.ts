import type { KoaContextWithOIDC } from 'oidc-provider';

import { requestIdOf } from '../http/request-log.ts';
import type { SecurityEvents } from '../security/security-events.ts';
import { revokesOwnToken } from './revocation-policy.ts';

const revocable = { RefreshToken: 'refresh_token', AccessToken: 'access_token', ClientCredentials: 'client_credentials' } as const;

/**
 * A token revoked at the revocation endpoint (RFC 7009), a CLI's logout, is a security event
 * (`token.revoked`). The endpoint answers 200 whether or not anything was revoked (§2.2), so
 * the event is emitted only when oidc-provider found the token and our policy let the client
 * revoke it; revoking a refresh or access token ends its whole grant (`grant`).
 */
export function createRevocationEvents(securityEvents: SecurityEvents) {
  return function recordRevocation(ctx: KoaContextWithOIDC): void {
    const client = ctx.oidc?.client;
    if (ctx.status !== 200 || !client) return;
    for (const [model, kind] of Object.entries(revocable)) {
      const token = ctx.oidc.entities[model as keyof typeof revocable] as { clientId?: string; accountId?: string; grantId?: string } | undefined;
      if (!token || !revokesOwnToken(client, token)) continue;
      securityEvents.emit('token.revoked', {
        reqId: requestIdOf(ctx),
        ip: ctx.ip,
        clientId: client.clientId,
        accountId: token.accountId,
        token: kind,
        grant: kind !== 'client_credentials' && Boolean(token.grantId),
      });
      return;
    }
  };
}
