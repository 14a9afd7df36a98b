import type { Provider } from 'oidc-provider';

import type { ClientRegistry } from '../clients/client-registry.ts';
import { rememberingSecretCheck } from '../clients/client-secret.ts';
import { replaceClientSecretComparison } from './provider-internals.ts';

/**
 * oidc-provider compares client secrets in plaintext against metadata; we store only hashes,
 * and during a rotation's overlap window a previous secret still works, so the comparison is ours.
 */
export function useHashedClientSecrets(provider: Provider, clients: ClientRegistry, pepper: string | undefined): void {
  const accepts = rememberingSecretCheck(pepper);
  replaceClientSecretComparison(provider, async (clientId, presented) => {
    const record = await clients.get(clientId);
    return record ? accepts(record.secrets, presented) : false;
  });
}
