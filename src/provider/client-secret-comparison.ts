import { timingSafeEqual } from 'node:crypto';
import type { Provider } from 'oidc-provider';

import type { ClientRecord } from '../clients/client-record.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import { clientSecretMatches } from '../clients/client-secret.ts';

/**
 * The one place that reaches into oidc-provider's internals. It compares client secrets in
 * plaintext against metadata (lib/models/client.js `compareClientSecret`); we store only hashes,
 * and during a rotation's overlap window a previous secret still works, so the comparison is ours.
 */
export function useHashedClientSecrets(provider: Provider, clients: ClientRegistry, pepper: string | undefined): void {
  // The secret a client last authenticated with, per client record. Under load, hashing a
  // presented secret costs 10-15 µs of the main thread (OpenSSL contends with the token
  // signatures running on libuv's pool): a few percent of a client-credentials token. The entry
  // lives exactly as long as the record object, which the registry replaces when it re-reads
  // the client (every clientCacheMs at most) and drops at once on a change made here, so a
  // rotated or removed secret stops matching as it did before; nothing of it is stored or logged.
  const verified = new WeakMap<ClientRecord, { presented: Buffer; secret: ClientRecord['secrets'][number] }>();

  provider.Client.prototype.compareClientSecret = async function compareHashedSecret(this: { clientId: string }, presented: string) {
    const record = await clients.get(this.clientId);
    if (!record) return false;
    const now = Date.now();
    const usable = (secret: ClientRecord['secrets'][number]) => !secret.expiresAt || Date.parse(secret.expiresAt) > now;

    const presentedBytes = Buffer.from(presented);
    const known = verified.get(record);
    if (known && usable(known.secret) && known.presented.length === presentedBytes.length && timingSafeEqual(known.presented, presentedBytes)) return true;

    const secret = record.secrets.find((candidate) => usable(candidate) && clientSecretMatches(presented, candidate.hash, pepper));
    if (secret) verified.set(record, { presented: presentedBytes, secret });
    return secret !== undefined;
  };
}
