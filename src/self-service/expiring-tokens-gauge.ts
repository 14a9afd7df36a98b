import { Gauge, type Registry } from 'prom-client';

import type { ResourceRegistry } from '../resources/resource-registry.ts';
import { tokenInForce } from '../resource-tokens/resource-token-record.ts';
import type { ResourceTokenStore } from '../resource-tokens/resource-token-store.ts';
import { expiringSoonMs } from '../admin/resource-tokens/resource-token-view.ts';

/**
 * tollgate_resource_tokens_expiring_soon{resource}: live resource tokens that expire within 14
 * days, read from storage at each scrape (a CI secret set by hand breaks the day it expires; an
 * alert on this gauge warns the team first). Every process reads the same storage, so the
 * multi-process aggregate takes the maximum, not the sum.
 */
export function registerExpiringTokensGauge(registry: Registry, resources: ResourceRegistry, store: ResourceTokenStore): void {
  new Gauge({
    name: 'tollgate_resource_tokens_expiring_soon',
    help: 'Live resource tokens expiring within 14 days, per resource server',
    labelNames: ['resource'],
    registers: [registry],
    aggregator: 'max',
    async collect() {
      this.reset();
      const now = Date.now();
      for (const resource of await resources.list()) {
        if (!resource.selfService) continue;
        const soon = (await store.list(resource.identifier)).filter(
          (record) => tokenInForce(record, now) && Date.parse(record.expiresAt) - now < expiringSoonMs,
        );
        this.set({ resource: resource.identifier }, soon.length);
      }
    },
  });
}
