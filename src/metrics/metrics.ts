import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

import { registerRouteLatencyHistogram } from './route-latency-histogram.ts';

/** tollgate's Prometheus metrics, one registry per tollgate instance. */
export interface Metrics {
  readonly registry: Registry;
  tokenIssued(grantType: string, clientId: string): void;
  tokenError(error: string): void;
  deviceAuthorizationError(error: string): void;
  securityEvent(event: string): void;
  httpRequest(route: RouteLabels, seconds: number): void;
  storageOperation(labels: StorageLabels, seconds: number): void;
  storageUnavailable(labels: StorageLabels): void;
  /** A signing-key transition this instance made (created, activated, retired, removed, revoked). */
  signingKeyTransition(kind: string): void;
  /** Where the key gauges read from, at each scrape (store mode). */
  observeSigningKeys(read: () => SigningKeyGauges): void;
}

export interface SigningKeyGauges {
  /** Seconds since the signing key of each algorithm began to sign. */
  activeAge: Partial<Record<string, number>>;
  /** Seconds until the next scheduled transition, if any. */
  nextTransition: number | undefined;
}

/** Label objects are built once per route or operation, not per request (see route-classifier). */
export interface RouteLabels {
  readonly route: string;
}
export interface StorageLabels {
  readonly operation: string;
  readonly target: string;
}

/**
 * Creates the registry and every metric in it. Labels stay bounded: routes are a fixed list,
 * grant types and error codes are the server's own, client ids are registered clients.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  // Every metric registers only in this instance's registry, so two servers in one process
  // (as in the tests) never share counts.
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram({ name, help, labelNames, buckets, registers: [registry] });

  // Counted on every token response in plain maps, by client then grant type, and handed to
  // prom-client when it collects: its `inc` validates and hashes the label object on every call
  // (issue 24: a few thousand instructions of each client-credentials token).
  const issued = new Map<string, Map<string, number>>();
  new Counter({
    name: 'tollgate_tokens_issued_total',
    help: 'Token responses sent, by grant type and client',
    labelNames: ['grant_type', 'client_id'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [clientId, byGrantType] of issued)
        for (const [grantType, count] of byGrantType) this.inc({ grant_type: grantType, client_id: clientId }, count);
    },
  });
  const tokenErrors = counter('tollgate_token_errors_total', 'Token endpoint error responses, by OAuth error code (RFC 6749 §5.2, RFC 8628 §3.5)', ['error']);
  const deviceAuthorizationErrors = counter(
    'tollgate_device_authorization_errors_total',
    'Device authorization endpoint error responses, by OAuth error code (RFC 8628 §3.2)',
    ['error'],
  );
  const securityEvents = counter(
    'tollgate_security_events_total',
    'Security events (sign-ins, device approvals, reuse detection, rate limits, admin changes, ...), by event',
    ['event'],
  );
  const httpDuration = registerRouteLatencyHistogram(registry, {
    name: 'tollgate_http_request_duration_seconds',
    help: 'Time from request to response, by route',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  });
  const storageDuration = histogram(
    'tollgate_storage_operation_duration_seconds',
    'Time of storage operations, by operation and model or collection',
    ['operation', 'target'],
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  );
  const storageErrors = counter('tollgate_storage_unavailable_total', 'Storage operations that failed because storage was unreachable or too slow', [
    'operation',
    'target',
  ]);

  const keyTransitions = counter(
    'tollgate_signing_key_transitions_total',
    'Signing-key transitions made by this instance, by kind (created, activated, retired, removed, revoked)',
    ['kind'],
  );
  let readKeys: (() => SigningKeyGauges) | undefined;
  new Gauge({
    name: 'tollgate_signing_key_active_age_seconds',
    help: 'Seconds since the signing key of each algorithm began to sign (store mode)',
    labelNames: ['alg'],
    registers: [registry],
    // Every worker sees the same key set: across workers the value is one, not a sum.
    aggregator: 'max',
    collect() {
      this.reset();
      for (const [alg, age] of Object.entries(readKeys?.().activeAge ?? {})) if (age !== undefined) this.set({ alg }, age);
    },
  });
  new Gauge({
    name: 'tollgate_signing_key_next_transition_seconds',
    help: 'Seconds until the next scheduled signing-key transition (store mode)',
    registers: [registry],
    aggregator: 'min',
    collect() {
      this.reset();
      const next = readKeys?.().nextTransition;
      if (next !== undefined) this.set(next);
    },
  });

  return {
    registry,
    signingKeyTransition: (kind) => keyTransitions.inc({ kind }),
    observeSigningKeys: (read) => {
      readKeys = read;
    },
    tokenIssued: (grantType, clientId) => {
      let byGrantType = issued.get(clientId);
      if (!byGrantType) issued.set(clientId, (byGrantType = new Map()));
      byGrantType.set(grantType, (byGrantType.get(grantType) ?? 0) + 1);
    },
    tokenError: (error) => tokenErrors.inc({ error }),
    deviceAuthorizationError: (error) => deviceAuthorizationErrors.inc({ error }),
    securityEvent: (event) => securityEvents.inc({ event }),
    httpRequest: (route, seconds) => httpDuration.observe(route, seconds),
    storageOperation: (labels, seconds) => storageDuration.observe(labels, seconds),
    storageUnavailable: (labels) => storageErrors.inc(labels),
  };
}
