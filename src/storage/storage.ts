import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

/** A keyed set of records that live until deleted (clients, accounts, resource servers). */
export interface Collection<T> {
  get(id: string): Promise<T | undefined>;
  list(): Promise<T[]>;
  put(id: string, value: T): Promise<void>;
  /** Writes only when `id` is absent; false when it already existed. */
  insert(id: string, value: T): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

/** The oidc-provider adapter contract, plus the grant revocation our code calls directly. */
export type ModelAdapter = Adapter;
export type ModelPayload = AdapterPayload;

/** Whose grant it is: grants are indexed by account and by client so either can lose them all. */
export interface GrantPrincipal {
  kind: 'account' | 'client';
  id: string;
}

export interface RateLimiterOptions {
  name: string;
  points: number;
  durationSeconds: number;
}

/** Everything tollgate persists, on Redis or in this process. */
export interface Storage {
  readonly kind: 'memory' | 'redis';
  /** oidc-provider adapter for one model (the Client model is served by the client registry). */
  modelAdapter(model: string): ModelAdapter;
  collection<T>(name: string): Collection<T>;
  /**
   * Revokes every grant recorded for the principal (the Grant and every token issued under it)
   * and returns how many there were. Grants are recorded when oidc-provider saves its Grant model.
   */
  revokeGrantsOf(principal: GrantPrincipal): Promise<number>;
  /** Sets a short-lived value and returns the previous one, atomically. */
  swapValue(name: string, value: string, ttlSeconds: number): Promise<string | undefined>;
  getValue(name: string): Promise<string | undefined>;
  rateLimiter(options: RateLimiterOptions): RateLimiterAbstract;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Models whose instances belong to a grant and go when it is revoked. */
export const grantableModels = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'ClientCredentials',
]);

/** Models redeemed once: a second `consume` is a replay. */
export const consumableModels = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

/**
 * The value (see `Storage.getValue`) that marks a grant revoked. Tokens issued under a grant
 * while it is being revoked (a concurrent redemption's winner) are saved after the revocation
 * deleted the grant's members; the mark makes them unusable too. It lives as long as the
 * grant record, past which nothing of the grant can be used anyway.
 */
export const revokedGrantValue = (grantId: string) => `revoked-grant:${grantId}`;

/** The account and client a Grant payload belongs to. */
export function principalsOf(payload: ModelPayload): GrantPrincipal[] {
  const principals: GrantPrincipal[] = [];
  if (payload.accountId) principals.push({ kind: 'account', id: payload.accountId });
  if (payload.clientId) principals.push({ kind: 'client', id: payload.clientId });
  return principals;
}
