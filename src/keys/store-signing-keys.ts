import type { JWK } from 'jose';

import { signingAlgs, type SigningAlg } from '../resources/resource-server-record.ts';
import type { KeyRing } from './key-ring.ts';
import { RingSigningKey } from './ring-signing-key.ts';
import type { SigningKeys } from './signing-keys.ts';

/**
 * The SigningKeys of store mode, read live from the ring: the published public keys (the same
 * array until the published set changes, so caches built on it stay valid), and the kid that
 * signs now for each algorithm.
 */
export function storeSigningKeys(ring: KeyRing): SigningKeys {
  let cached: { at: string; keys: JWK[] } | undefined;
  return {
    get jwks() {
      const published = ring.published();
      const at = `${ring.version}:${published.map((key) => key.kid).join(',')}`;
      if (cached?.at !== at) cached = { at, keys: published.map((key) => key.publicJwk) };
      return { keys: cached.keys };
    },
    get signingKid() {
      const kids: Partial<Record<SigningAlg, string>> = {};
      for (const alg of signingAlgs) {
        const kid = ring.signing(alg)?.kid;
        if (kid) kids[alg] = kid;
      }
      return kids;
    },
    ephemeral: false,
    providerKeys: signingAlgs.map((alg) => new RingSigningKey(ring, alg)),
  };
}

/** oidc-provider's feature for keys that sign elsewhere, on in store mode; the ack pins the experiment's version we checked. */
export function externalSigning(signingKeys: SigningKeys): { enabled: boolean; ack?: string } {
  return signingKeys.providerKeys ? { enabled: true, ack: 'experimental-01' } : { enabled: false };
}
