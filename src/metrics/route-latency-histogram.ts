import type { Registry } from 'prom-client';

import type { RouteLabels } from './metrics.ts';

interface Series {
  readonly labels: RouteLabels;
  /** Observations per bucket, not cumulative; the last slot is above the largest bound. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

export interface RouteLatencyHistogram {
  observe(route: RouteLabels, seconds: number): void;
}

/**
 * The latency histogram by route, observed on every request. prom-client's Histogram turns
 * each observation's labels into a string key and its bucket bound into a property name (issue
 * 14: most of the cost of measuring a token request); here a series is found by its label
 * object, which route-classifier.ts builds once per route, and a bucket by index. prom-client
 * still renders it: `get()` answers in the shape of its own metrics, which the registry and the
 * cluster aggregator read.
 */
export function registerRouteLatencyHistogram(
  registry: Registry,
  { name, help, buckets }: { name: string; help: string; buckets: readonly number[] },
): RouteLatencyHistogram {
  const series = new Map<RouteLabels, Series>();

  const metric = {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get() {
      const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
      for (const { labels, counts, sum, count } of series.values()) {
        let cumulative = 0;
        buckets.forEach((bound, index) => {
          cumulative += counts[index] as number;
          values.push({ labels: { le: bound, ...labels }, value: cumulative, metricName: `${name}_bucket` });
        });
        values.push({ labels: { le: '+Inf', ...labels }, value: count, metricName: `${name}_bucket` });
        values.push({ labels: { ...labels }, value: sum, metricName: `${name}_sum` });
        values.push({ labels: { ...labels }, value: count, metricName: `${name}_count` });
      }
      return { name, help, type: 'histogram', values, aggregator: 'sum' };
    },
    reset() {
      series.clear();
    },
  };
  registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);

  return {
    observe(route, seconds) {
      let entry = series.get(route);
      if (!entry) series.set(route, (entry = { labels: route, counts: new Float64Array(buckets.length + 1), sum: 0, count: 0 }));
      let index = 0;
      while (index < buckets.length && seconds > (buckets[index] as number)) index++;
      (entry.counts[index] as number)++;
      entry.sum += seconds;
      entry.count++;
    },
  };
}
