import type { KoaContextWithOIDC } from 'oidc-provider';

import { secretHashPattern } from '../clients/client-secret.ts';

type Next = () => Promise<unknown>;

/**
 * RFC 7592 read and update responses echo the client's metadata, whose `client_secret` is the
 * stored hash (provider-metadata.ts): that is not the secret and must not pass for it. The
 * secret itself is shown once, in the registration response (RFC 7591 §3.2.1 makes it optional
 * afterwards).
 */
export async function hideStoredSecretHashes(ctx: KoaContextWithOIDC, next: Next) {
  await next();
  if (ctx.oidc?.route !== 'client' && ctx.oidc?.route !== 'client_update') return;
  const body = ctx.body as Record<string, unknown> | undefined;
  if (body && typeof body.client_secret === 'string' && secretHashPattern.test(body.client_secret)) {
    delete body.client_secret;
    delete body.client_secret_expires_at;
  }
}
