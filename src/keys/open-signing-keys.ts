import type { Config } from '../config/schema.ts';
import type { Logger } from '../logger.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import type { SecurityEvents } from '../security/security-events.ts';
import type { KeySetStore } from '../storage/key-set-store.ts';
import { createKeyManager, type KeyManager } from './key-manager.ts';
import { loadSigningKeys, type SigningKeys } from './signing-keys.ts';
import { storeSigningKeys } from './store-signing-keys.ts';
import type { TransitionKind } from './key-lifecycle.ts';

export interface OpenedSigningKeys {
  signingKeys: SigningKeys;
  /** Store mode only. */
  keyManager?: KeyManager;
}

/** The signing keys the configuration names: a JWKS file (or generated ones), or the store. */
export async function openSigningKeys(deps: {
  config: Config;
  keySet: KeySetStore;
  resources: ResourceRegistry;
  logger: Logger;
  securityEvents: SecurityEvents;
  onTransition?: (kind: TransitionKind) => void;
}): Promise<OpenedSigningKeys> {
  if (deps.config.keys.source === 'file') return { signingKeys: await loadSigningKeys(deps.config.keys) };
  const keyManager = createKeyManager({ ...deps, store: deps.keySet });
  await keyManager.start();
  return { signingKeys: storeSigningKeys(keyManager.ring), keyManager };
}
