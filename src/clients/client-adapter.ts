import type { Adapter } from 'oidc-provider';

import type { ClientRegistry } from './client-registry.ts';
import { toProviderMetadata } from './provider-metadata.ts';

/**
 * Serves oidc-provider's Client model from our registry. A disabled client is not found, so it
 * fails authentication with invalid_client like an unknown one.
 */
export function createClientAdapter(
  registry: ClientRegistry,
  register: Pick<Adapter, 'upsert' | 'destroy'>,
  // Work spent on a client that is not found, so that it costs what a found one does.
  notFound: (clientId: string) => Promise<void> = async () => {},
): Adapter {
  const unsupported = async () => undefined;
  return {
    async find(clientId) {
      const held = registry.peek(clientId);
      const record = held ? held.value : await registry.get(clientId);
      if (!record || record.disabled) {
        await notFound(clientId);
        return undefined;
      }
      return toProviderMetadata(record);
    },
    upsert: (id, payload, expiresIn) => register.upsert(id, payload, expiresIn),
    destroy: (id) => register.destroy(id),
    findByUid: unsupported,
    findByUserCode: unsupported,
    consume: unsupported,
    revokeByGrantId: unsupported,
  };
}
