import test from 'ava';
import { AggregatorRegistry, Histogram, Registry } from 'prom-client';

import { registerRouteLatencyHistogram } from '../../src/metrics/route-latency-histogram.ts';

const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const token = Object.freeze({ route: 'token' });
const jwks = Object.freeze({ route: 'jwks' });
// On a bound, below the first, between bounds, above the last.
const observations = [
  [token, 0.0004],
  [token, 0.001],
  [token, 0.0011],
  [jwks, 3],
  [token, 0.3],
  [jwks, 0.02],
] as const;

function bothHistograms() {
  const reference = new Registry();
  const ours = new Registry();
  const promClient = new Histogram({ name: 'latency_seconds', help: 'latency', labelNames: ['route'], buckets, registers: [reference] });
  const histogram = registerRouteLatencyHistogram(ours, { name: 'latency_seconds', help: 'latency', buckets });
  for (const [route, seconds] of observations) {
    promClient.observe(route, seconds);
    histogram.observe(route, seconds);
  }
  return { reference, ours };
}

test('renders exactly what a prom-client Histogram with the same observations renders', async (t) => {
  const { reference, ours } = bothHistograms();
  const rendered = await ours.metrics();
  t.is(rendered, await reference.metrics());
  t.regex(rendered, /^latency_seconds_bucket\{le="0\.001",route="token"\} 2$/m);
  t.regex(rendered, /^latency_seconds_bucket\{le="\+Inf",route="jwks"\} 2$/m);
});

test('workers’ histograms add up in the cluster aggregate as prom-client’s do', async (t) => {
  const aggregate = async (registries: Registry[]) =>
    await AggregatorRegistry.aggregate(await Promise.all(registries.map((registry) => registry.getMetricsAsJSON()))).metrics();
  const first = bothHistograms();
  const second = bothHistograms();
  t.is(await aggregate([first.ours, second.ours]), await aggregate([first.reference, second.reference]));
});

test('a reset of the registry empties it', async (t) => {
  const { ours } = bothHistograms();
  ours.resetMetrics();
  t.notRegex(await ours.metrics(), /latency_seconds_count/);
});
