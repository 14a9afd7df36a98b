import { hash, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

import type { ClientRecord } from '../clients/client-record.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import { hashClientSecret, rememberingSecretCheck } from '../clients/client-secret.ts';
import { toProviderMetadata } from '../clients/provider-metadata.ts';

/**
 * Client-id enumeration by timing: an unknown (or disabled) client and a known one with a wrong
 * secret get the same answer, and must cost the same. Our secret comparison hashes the presented
 * secret (client-secret-comparison.ts); for a client that is not found this checks it against a
 * secret nobody knows. Without the client cache (`builtClientsReused` false) a found client also
 * costs oidc-provider's metadata hash (lib/models/client.js `find`) and a second lookup (the
 * comparison's); then so does a client that is not found. With it, the lookup the adapter made
 * for the unknown client stands for the comparison's.
 */
export function createUnknownClientDecoy(clients: ClientRegistry, pepper: string | undefined, { builtClientsReused }: { builtClientsReused: boolean }): (clientId: string) => Promise<void> {
  const secrets = [{ hash: hashClientSecret(randomBytes(32).toString('base64url'), pepper) }];
  const accepts = rememberingSecretCheck(pepper);
  return async function spendLikeAKnownClient(clientId) {
    if (!builtClientsReused) {
      hash('sha256', JSON.stringify(toProviderMetadata(decoyRecord(clientId, secrets[0]?.hash as string))), 'base64url');
      await clients.get(clientId);
    }
    const presented = presentedSecret(Provider.ctx);
    if (presented !== undefined) accepts(secrets, presented);
  };
}

function decoyRecord(clientId: string, secretHash: string): ClientRecord {
  return {
    clientId,
    name: clientId,
    description: '',
    grantTypes: ['client_credentials'],
    authMethod: 'client_secret_basic',
    secrets: [{ hash: secretHash }],
    scopes: [],
    resources: [],
    disabled: false,
    createdAt: '',
    updatedAt: '',
  };
}

/** The secret a request presents, by RFC 6749 §2.3.1: in a Basic header (form-encoded) or the body. */
function presentedSecret(ctx: typeof Provider.ctx): string | undefined {
  if (!ctx) return undefined;
  const header = ctx.get('authorization');
  if (/^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    try {
      return decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    } catch {
      return undefined;
    }
  }
  const secret = (ctx.oidc?.body as Record<string, unknown> | undefined)?.client_secret;
  return typeof secret === 'string' ? secret : undefined;
}
