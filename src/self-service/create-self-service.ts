import { withDerivedClients } from '../clients/derived-clients.ts';
import { resourceTokenClients } from '../resource-tokens/resource-token-clients.ts';
import { createResourceTokenStore } from '../resource-tokens/resource-token-store.ts';
import { createResourceTokens } from '../resource-tokens/resource-tokens.ts';
import { createLeakReports } from '../resource-tokens/report-leaked-tokens.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Services } from '../services.ts';
import { registerExpiringTokensGauge } from './expiring-tokens-gauge.ts';

/**
 * Teams managing their own tokens (SPEC §15): the resource tokens, and the client registry the
 * provider sees, in which each resource token is a client-credentials client.
 */
export function createSelfService(services: Services, metrics: Pick<Metrics, 'registry'>) {
  const { storage, securityEvents, config, logger } = services;
  const store = createResourceTokenStore(storage);
  const clients = withDerivedClients(services.clients, [resourceTokenClients(store, securityEvents)], (error) => logger.warn({ err: error }, 'could not record resource token use'));
  const tokens = createResourceTokens({ store, securityEvents, secretPepper: config.secretPepper, changed: (id) => clients.forget(id) });
  registerExpiringTokensGauge(metrics.registry, services.resources, store);
  const reportLeaked = createLeakReports({ store, tokens, securityEvents, secretPepper: config.secretPepper });
  return { store, tokens, clients, reportLeaked };
}

export type SelfService = ReturnType<typeof createSelfService>;
