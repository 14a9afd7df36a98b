import { errors, type KoaContextWithOIDC } from 'oidc-provider';

import type { ClientRegistry } from '../clients/client-registry.ts';
import { renderProtocolError } from '../http/render-protocol-error.ts';

type Next = () => Promise<unknown>;

export interface IntrospectedToken {
  kind: string;
  clientId?: string | undefined;
  aud?: string | string[] | undefined;
}

/**
 * Who may introspect what. RFC 7662 §2.1 requires the caller to be authorized and §4 asks to
 * limit what it learns, so: a token's own client may introspect it (access and refresh
 * tokens); a client allowed a resource (its `resources`) may introspect access tokens whose
 * audience is that resource, which is how a resource server asks. Anything else is answered
 * `{ "active": false }`, exactly as for a token that does not exist.
 */
export function createIntrospectionPolicy(clients: ClientRegistry) {
  async function mayIntrospect(callerId: string, token: IntrospectedToken): Promise<boolean> {
    if (token.clientId === callerId) return true;
    if (token.kind === 'RefreshToken' || !token.aud) return false;
    const caller = await clients.get(callerId);
    const audiences = Array.isArray(token.aud) ? token.aud : [token.aud];
    return Boolean(caller && !caller.disabled && audiences.some((audience) => caller.resources.includes(audience)));
  }

  return {
    mayIntrospect,
    allowedPolicy: (_ctx: KoaContextWithOIDC, client: { clientId: string }, token: IntrospectedToken) => mayIntrospect(client.clientId, token),
  };
}

/**
 * RFC 7662 §2.1: introspection needs client authentication. A public client (auth method
 * `none`) only names itself, so it is refused with invalid_client whatever it asked.
 */
export async function refusePublicIntrospection(ctx: KoaContextWithOIDC, next: Next) {
  await next();
  if (ctx.oidc?.route !== 'introspection' || ctx.oidc.client?.clientAuthMethod !== 'none') return;
  renderProtocolError(ctx, new errors.InvalidClientAuth('introspection requires client authentication'));
}
