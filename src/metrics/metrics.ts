import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

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

  const tokensIssued = new Counter({
    name: 'tollgate_tokens_issued_total',
    help: 'Token responses sent, by grant type and client',
    labelNames: ['grant_type', 'client_id'] as const,
    registers: [registry],
  });
  const tokenErrors = new Counter({
    name: 'tollgate_token_errors_total',
    help: 'Token endpoint error responses, by OAuth error code (RFC 6749 §5.2, RFC 8628 §3.5)',
    labelNames: ['error'] as const,
    registers: [registry],
  });
  const deviceAuthorizationErrors = new Counter({
    name: 'tollgate_device_authorization_errors_total',
    help: 'Device authorization endpoint error responses, by OAuth error code (RFC 8628 §3.2)',
    labelNames: ['error'] as const,
    registers: [registry],
  });
  const securityEvents = new Counter({
    name: 'tollgate_security_events_total',
    help: 'Security events (sign-ins, device approvals, reuse detection, rate limits, admin changes, ...), by event',
    labelNames: ['event'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'tollgate_http_request_duration_seconds',
    help: 'Time from request to response, by route',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const storageDuration = new Histogram({
    name: 'tollgate_storage_operation_duration_seconds',
    help: 'Time of storage operations, by operation and model or collection',
    labelNames: ['operation', 'target'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const storageErrors = new Counter({
    name: 'tollgate_storage_unavailable_total',
    help: 'Storage operations that failed because storage was unreachable or too slow',
    labelNames: ['operation', 'target'] as const,
    registers: [registry],
  });

  return {
    registry,
    tokenIssued: (grantType, clientId) => tokensIssued.inc({ grant_type: grantType, client_id: clientId }),
    tokenError: (error) => tokenErrors.inc({ error }),
    deviceAuthorizationError: (error) => deviceAuthorizationErrors.inc({ error }),
    securityEvent: (event) => securityEvents.inc({ event }),
    httpRequest: (route, seconds) => httpDuration.observe(route, seconds),
    storageOperation: (labels, seconds) => storageDuration.observe(labels, seconds),
    storageUnavailable: (labels) => storageErrors.inc(labels),
  };
}
