import type { SigningKeyGauges } from '../metrics/metrics.ts';
import { signingAlgs } from '../resources/resource-server-record.ts';
import type { KeyManager } from './key-manager.ts';
import { nextTransitionAt } from './key-lifecycle.ts';

/** What the key gauges show at a scrape: the age of each signing key, the time to the next transition. */
export function signingKeyGauges(manager: KeyManager): () => SigningKeyGauges {
  return () => {
    const now = Date.now();
    const activeAge: SigningKeyGauges['activeAge'] = {};
    for (const alg of signingAlgs) {
      const key = manager.ring.signing(alg, now);
      if (key) activeAge[alg] = (now - key.activatesAt) / 1000;
    }
    const settings = manager.settings;
    const at = nextTransitionAt(manager.current(), { periodMs: settings.rotationPeriod * 1000, leadMs: settings.publishAhead * 1000, retentionMs: 0 });
    return { activeAge, nextTransition: at === undefined ? undefined : Math.max(0, (at - now) / 1000) };
  };
}
