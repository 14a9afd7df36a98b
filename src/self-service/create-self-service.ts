import { withDerivedClients } from '../clients/derived-clients.ts';
import { resourceTokenClients } from '../resource-tokens/resource-token-clients.ts';
import { createResourceTokenStore } from '../resource-tokens/resource-token-store.ts';
import { createResourceTokens } from '../resource-tokens/resource-tokens.ts';
import { createLeakReports } from '../resource-tokens/report-leaked-tokens.ts';
import { trustedPublisherClients } from '../trusted-publishers/publisher-clients.ts';
import { createTrustedPublisherStore } from '../trusted-publishers/publisher-store.ts';
import { createTrustedPublishers } from '../trusted-publishers/trusted-publishers.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { AttemptLimits } from '../pages/attempt-limits.ts';
import type { Services } from '../services.ts';
import { registerExpiringTokensGauge } from './expiring-tokens-gauge.ts';
import type { ResourceActivity } from './resource-activity.ts';

/**
 * Teams managing their own tokens (SPEC §15): resource tokens and trusted publishers, and the
 * client registry the provider sees, in which each resource token is a client-credentials
 * client and each trusted publisher a jwt-bearer one. `activity` is each resource's recent
 * security events (written as they are emitted: tollgate.ts), here to be deleted with a resource.
 */
export function createSelfService(services: Services, metrics: Pick<Metrics, 'registry'>, limits: AttemptLimits, activity: ResourceActivity) {
  const { storage, securityEvents, config, logger } = services;
  const store = createResourceTokenStore(storage);
  const publisherStore = createTrustedPublisherStore(storage);
  const clients = withDerivedClients(
    services.clients,
    [resourceTokenClients(store, services.resources, securityEvents), trustedPublisherClients(publisherStore, services.resources, securityEvents)],
    (error) => logger.warn({ err: error }, 'could not record the use of a resource token or trusted publisher'),
  );
  const tokens = createResourceTokens({ store, securityEvents, secretPepper: config.secretPepper, changed: (id) => clients.forget(id) });
  const publishers = createTrustedPublishers({
    store: publisherStore,
    securityEvents,
    trustedIssuers: services.trustedIssuers,
    changed: (id) => clients.forget(id),
  });
  registerExpiringTokensGauge(metrics.registry, services.resources, store);
  const reportLeaked = createLeakReports({
    store,
    tokens,
    resources: services.resources,
    limits,
    securityEvents,
    secretPepper: config.secretPepper,
    onError: (error) => logger.warn({ err: error }, 'could not revoke a reported resource token'),
  });
  return { store, tokens, publisherStore, publishers, clients, reportLeaked, activity };
}

export type SelfService = ReturnType<typeof createSelfService>;
