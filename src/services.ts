import type { AccountStore } from './accounts/account-store.ts';
import type { ClientRegistry } from './clients/client-registry.ts';
import type { Config } from './config/schema.ts';
import type { KeyManager } from './keys/key-manager.ts';
import type { SigningKeys } from './keys/signing-keys.ts';
import type { TrustedIssuers } from './federation/trusted-issuers.ts';
import type { Logger } from './logger.ts';
import type { ResourceRegistry } from './resources/resource-registry.ts';
import type { SecurityEvents } from './security/security-events.ts';
import type { Storage } from './storage/storage.ts';
import type { TokenSealer } from './upstreams/token-sealer.ts';
import type { UpstreamRegistry } from './upstreams/upstream-registry.ts';

/** The long-lived parts `createTollgate` builds once; the provider, the seed and the admin API work with them. */
export interface Services {
  config: Config;
  storage: Storage;
  clients: ClientRegistry;
  accounts: AccountStore;
  resources: ResourceRegistry;
  signingKeys: SigningKeys;
  /** Store mode: the signing keys' lifecycle (keys/key-manager.ts); undefined in file mode. */
  keyManager?: KeyManager | undefined;
  /** Platforms whose tokens stand in for client secrets (jwt-bearer grant). */
  trustedIssuers: TrustedIssuers;
  logger: Logger;
  /** The identity providers people can sign in through. */
  upstreams: UpstreamRegistry;
  /** Seals upstream credentials and pending-login secrets at rest. */
  sealer: TokenSealer;
  securityEvents: SecurityEvents;
}
