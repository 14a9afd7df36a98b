import { errors, type KoaContextWithOIDC } from 'oidc-provider';

/**
 * RFC 7009 §2.1: a client may revoke only tokens issued to it. A confidential client asking
 * for another's token is told so; a public client is not (it proves nothing about itself, so
 * an error would tell anyone which tokens exist) and the request changes nothing.
 */
export async function revocationAllowed(_ctx: KoaContextWithOIDC, client: { clientId: string; clientAuthMethod: string }, token: { clientId?: string }) {
  if (revokesOwnToken(client, token)) return true;
  if (client.clientAuthMethod === 'none') return false;
  throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
}

/** The one case in which a revocation request revokes anything: the token is the client's own. */
export function revokesOwnToken(client: { clientId: string }, token: { clientId?: string }): boolean {
  return token.clientId === client.clientId;
}
