import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics/metrics.ts';

/**
 * Everything a security team watches for, one name each (the `securityEvent` field of the log
 * line and the `event` label of tollgate_security_events_total).
 */
export type SecurityEventName =
  | 'sign_in.succeeded'
  | 'sign_in.failed'
  | 'device.approved'
  | 'device.denied'
  | 'refresh_token.reuse_detected'
  | 'grant.revoked'
  | 'token.revoked'
  | 'rate_limit.hit'
  | 'admin.change'
  | 'admin.refused'
  | 'client_secret.rotated'
  | 'key_set.loaded'
  | 'signing_key.created'
  | 'signing_key.activated'
  | 'signing_key.retired'
  | 'signing_key.removed'
  | 'signing_key.revoked'
  | 'resource_token.created'
  | 'resource_token.rotated'
  | 'resource_token.revoked'
  | 'resource_token.first_used'
  | 'resource_token.reported'
  | 'resource_token.deleted'
  | 'trusted_publisher.added'
  | 'trusted_publisher.removed'
  | 'trusted_publisher.first_used';

/**
 * Who and where. Ids and names only: never a secret, password, token or code (callers pass
 * none, and the logger redacts the usual names as a second line of defence).
 */
export interface SecurityEventDetails {
  reqId?: string | undefined;
  clientId?: string | undefined;
  accountId?: string | undefined;
  ip?: string | undefined;
  /** What else identifies the event: the admin action and its target, the limit, the key ids. */
  [detail: string]: unknown;
}

export interface SecurityEvents {
  emit(event: SecurityEventName, details: SecurityEventDetails): void;
}

// Events that need a person's attention; the others are the record of what happened.
const alarming = new Set<SecurityEventName>([
  'refresh_token.reuse_detected',
  'rate_limit.hit',
  'admin.refused',
  'signing_key.revoked',
  'resource_token.reported',
]);

/**
 * One structured log line and one count (tollgate_security_events_total{event}) per event. The
 * lines come from the logger named `security` and name the event in a field of their own,
 * `securityEvent`, so that counting them by it counts nothing else.
 */
export function createSecurityEvents(logger: Logger, metrics: Pick<Metrics, 'securityEvent'>): SecurityEvents {
  const security = logger.child({ logger: 'security' });
  return {
    emit(event, details) {
      metrics.securityEvent(event);
      security[alarming.has(event) ? 'warn' : 'info']({ ...details, securityEvent: event }, 'security event');
    },
  };
}
