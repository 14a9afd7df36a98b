import type { Provider } from 'oidc-provider';

import type { ClientRegistry } from '../clients/client-registry.ts';
import { rememberingSecretCheck } from '../clients/client-secret.ts';

/**
 * The one place that reaches into oidc-provider's internals. It compares client secrets in
 * plaintext against metadata (lib/models/client.js `compareClientSecret`); we store only hashes,
 * and during a rotation's overlap window a previous secret still works, so the comparison is ours.
 */
export function useHashedClientSecrets(provider: Provider, clients: ClientRegistry, pepper: string | undefined): void {
  const accepts = rememberingSecretCheck(pepper);
  provider.Client.prototype.compareClientSecret = async function compareHashedSecret(this: { clientId: string }, presented: string) {
    const record = await clients.get(this.clientId);
    return record ? accepts(record.secrets, presented) : false;
  };
}
