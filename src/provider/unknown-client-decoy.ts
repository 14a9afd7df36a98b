import { hash, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

import type { ClientRecord } from '../clients/client-record.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import { hashClientSecret, rememberingSecretCheck } from '../clients/client-secret.ts';
import { toProviderMetadata } from '../clients/provider-metadata.ts';
import { buildClientModel } from '../kernel/provider-internals.ts';

/**
 * Client-id enumeration by timing: an unknown (or disabled) client and a known one with a wrong
 * secret get the same answer, and must cost the same. Our secret comparison hashes the presented
 * secret (client-secret-comparison.ts); for a client that is not found this checks it against a
 * secret nobody knows. A found client also costs oidc-provider's `find` (lib/models/client.js)
 * and a second lookup (the comparison's): the first time, its metadata validated and a `Client`
 * built from it, kept in an LRU of 100 by metadata hash; without the client cache (`cacheMs` 0)
 * the metadata hash on every request; with it, only once the cached record was re-read
 * (client-secret-comparison.ts keeps the built `Client` with the record). A client that is not
 * found costs the same here, remembered per id the same way: built on the first probe of an id
 * (issue 21.5: 0.08-0.14 ms told a never-used client from an unknown id), hashed and looked up
 * again whenever a found client's would be.
 */
export function createUnknownClientDecoy(
  clients: ClientRegistry,
  pepper: string | undefined,
  { cacheMs }: { cacheMs: number },
): (clientId: string) => Promise<void> {
  const secrets = [{ hash: hashClientSecret(randomBytes(32).toString('base64url'), pepper) }];
  const accepts = rememberingSecretCheck(pepper);
  // Id -> until when its decoy counts as kept with a cached record; as many ids as oidc-provider's LRU.
  const built = new Map<string, number>();
  return async function spendLikeAKnownClient(clientId) {
    const ctx = Provider.ctx;
    const now = Date.now();
    const keptUntil = built.get(clientId);
    if (keptUntil === undefined || keptUntil <= now || cacheMs <= 0) {
      const metadata = toProviderMetadata(decoyRecord(clientId, secrets[0]?.hash as string));
      hash('sha256', JSON.stringify(metadata), 'base64url');
      if (keptUntil === undefined && ctx) buildClientModel(ctx.oidc.provider, metadata);
      // The comparison's lookup of a found client (client-secret-comparison.ts).
      if (!clients.peek(clientId)) await clients.get(clientId);
      built.delete(clientId);
      built.set(clientId, now + cacheMs);
      if (built.size > lruSize) built.delete(built.keys().next().value as string);
    }
    const presented = presentedSecret(ctx);
    if (presented !== undefined) accepts(secrets, presented);
  };
}

// The size of oidc-provider's cache of built clients (lib/provider.js, dynamicClients).
const lruSize = 100;

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
