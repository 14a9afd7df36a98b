import type { Client, Provider } from 'oidc-provider';

import type { ClientRecord } from '../clients/client-record.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import { rememberingSecretCheck } from '../clients/client-secret.ts';
import { replaceClientSecretComparison, wrapClientFind } from '../kernel/provider-internals.ts';

/**
 * oidc-provider compares client secrets in plaintext against metadata; we store only hashes,
 * and during a rotation's overlap window a previous secret still works, so the comparison is ours.
 */
export function useHashedClientSecrets(provider: Provider, clients: ClientRegistry, pepper: string | undefined): void {
  const accepts = rememberingSecretCheck(pepper);
  replaceClientSecretComparison(provider, async (clientId, presented) => {
    const held = clients.peek(clientId);
    const record = held ? held.value : await clients.get(clientId);
    return record ? accepts(record.secrets, presented) : false;
  });
}

/**
 * oidc-provider finds an adapter-backed client on every request by hashing its whole metadata
 * (JSON.stringify + SHA-256) to look up the `Client` it built from it, in an LRU of 100 (past
 * 100 clients in use, every request validates and builds one again). The `Client` built from a
 * cached client record is kept with that record instead, so it lives exactly as long: the cache
 * replaces the record when it re-reads it (every `clientCacheMs` at most) and at once on a change
 * through this process, and a disabled or unknown client is never kept (the adapter finds none).
 * With the cache off (`clientCacheMs` 0) every request reads the record, so nothing is kept.
 */
export function reuseBuiltClients(provider: Provider, clients: ClientRegistry, cacheMs: number): void {
  if (cacheMs <= 0) return;
  const built = new WeakMap<ClientRecord, Client>();
  wrapClientFind(provider, (find) => async (id) => {
    const held = typeof id === 'string' ? clients.peek(id) : undefined;
    const record = held ? held.value : typeof id === 'string' ? await clients.get(id) : undefined;
    const known = record && built.get(record);
    if (known) return known;
    const client = await find(id);
    if (record && client) built.set(record, client);
    return client;
  });
}
