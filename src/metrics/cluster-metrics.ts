import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * In a worker: answer the primary's requests for this process's metrics (prom-client's
 * cluster protocol over the IPC channel).
 */
export function shareMetricsWithPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // its constructor installs the worker-side listener
}

/**
 * In the primary: metrics summed over every live worker (counters and histograms add up;
 * prom-client averages or picks the gauges where a sum means nothing).
 */
export function createClusterMetrics(): { contentType: string; render(): Promise<string> } {
  const aggregator = new AggregatorRegistry();
  return { contentType: aggregator.contentType, render: () => aggregator.clusterMetrics() };
}
