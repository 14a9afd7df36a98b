import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';

import type { KeySetStore } from './key-set-store.ts';
import type { RefreshTokenOwner } from './refresh-token-ids.ts';

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

export interface PollPacing {
  intervalSeconds: number;
  stepSeconds: number;
  toleranceMs: number;
  ttlSeconds: number;
}

/** A refresh token presented to the refresh_token grant (Storage.findRefreshToken). */
export interface FoundRefreshToken {
  /**
   * Its payload. For a used token of which nothing is kept (see rotateRefreshToken): its grant's
   * client and account, and `consumed`.
   */
  payload: ModelPayload;
  /** A used token that can no longer be rotated: presenting it is reuse, whatever the rotation would say. */
  used: boolean;
}

export interface RefreshTokenRotation {
  previousId: string;
  /** The successor: its id, payload (with the grantId both share) and lifetime. */
  id: string;
  payload: ModelPayload;
  expiresIn: number;
  /** How long after its first use a token whose successor was sent but is unused may be redeemed again. */
  reuseIntervalSeconds: number;
}

/** `reused`: replayed after its successor was used, or too late; `gone`: expired or revoked. */
export type RotationOutcome = 'rotated' | 'reused' | 'gone';

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
  /** The signing keys of store mode, with the rotation lock (keys/key-manager.ts). */
  readonly keySet: KeySetStore;
  /**
   * Revokes every grant recorded for the principal (the Grant and every token issued under it)
   * and returns how many there were. Grants are recorded when oidc-provider saves its Grant model.
   */
  revokeGrantsOf(principal: GrantPrincipal): Promise<number>;
  /** Sets a short-lived value and returns the previous one, atomically. Names: storage-names.ts. */
  swapValue(name: string, value: string, ttlSeconds: number): Promise<string | undefined>;
  getValue(name: string): Promise<string | undefined>;
  /**
   * Compare-and-set: writes `value` only if the value still is `expected`, atomically; false
   * when another write came first or it has gone. How a read-change-write of one record (a
   * resource token's revocation or rotation) keeps a concurrent change from being lost.
   */
  replaceValue(name: string, expected: string, value: string, ttlSeconds: number): Promise<boolean>;
  deleteValue(name: string): Promise<void>;
  /**
   * Records a poll under `name` and tells whether it came sooner than the current interval
   * (less `toleranceMs`), in which case the interval grows by `stepSeconds` for every later
   * poll. One atomic operation, timed by the store's clock, so concurrent polls and processes
   * with different clocks agree.
   */
  pacePoll(name: string, pacing: PollPacing): Promise<'in-time' | 'too-soon'>;
  /** True while a revoked grant's record lives (see revokeByGrantId); tokens of it are dead. */
  isGrantRevoked(grantId: string): Promise<boolean>;
  /**
   * True while the grant's record lives and the grant is not revoked: what `Grant.find` plus
   * isGrantRevoked tell, without reading and opening the record, for a caller that already
   * knows what the grant holds (its fields never change) and only asks whether it still stands.
   */
  grantStands(grantId: string): Promise<boolean>;
  /**
   * The id of a new refresh token of this grant and account (refresh-token-ids.ts): the store
   * finds a presented token's grant from its id, and knows an id it minted from one made up.
   */
  refreshTokenId(owner: RefreshTokenOwner): string;
  /** The grant and account a refresh token's id names, if the store minted it (no storage access). */
  refreshTokenOwner(id: string): RefreshTokenOwner | undefined;
  /**
   * A refresh token for the refresh_token grant, in one round trip for an id the store minted
   * (a caller may read its grant and account alongside, from refreshTokenOwner); one of a
   * revoked grant is not found.
   */
  findRefreshToken(id: string): Promise<FoundRefreshToken | undefined>;
  /**
   * Rotates a refresh token in one atomic operation on its grant's refresh-token chain, which
   * holds the grant's current token and that token's used predecessor: the current token
   * `previousId` becomes the predecessor and the successor current, timed by the store's clock.
   * A retry of the predecessor, its successor unused, replaces the successor (which is then
   * refused as reused) instead, if that successor was never sent (confirmRefreshTokenRotation)
   * or was sent within the reuse interval; any other token of the chain is reuse. Nothing is
   * kept of older tokens: their ids say which chain they were of. Every grant has one chain (one
   * refresh token per device login). Never revokes by itself.
   */
  rotateRefreshToken(rotation: RefreshTokenRotation): Promise<RotationOutcome>;
  /**
   * Records that the answer carrying a rotation's successor was sent. Until then the successor
   * does not count as issued: a storage outage that cut the request off cannot make the
   * client's retry, however late, look like a replay.
   */
  confirmRefreshTokenRotation(rotation: Pick<RefreshTokenRotation, 'previousId' | 'id' | 'payload'>): Promise<void>;
  /**
   * Undoes a rotation whose answer never reached the client: the successor is dropped and the
   * previous token redeemable again, unless the successor was used or replaced meanwhile.
   */
  annulRefreshTokenRotation(rotation: Pick<RefreshTokenRotation, 'previousId' | 'id' | 'payload'>): Promise<void>;
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

/** The account and client a Grant payload belongs to. */
export function principalsOf(payload: ModelPayload): GrantPrincipal[] {
  const principals: GrantPrincipal[] = [];
  if (payload.accountId) principals.push({ kind: 'account', id: payload.accountId });
  if (payload.clientId) principals.push({ kind: 'client', id: payload.clientId });
  return principals;
}

/**
 * The payload found for a used refresh token of which nothing is kept: its grant's client,
 * account and scopes, alive for the chain's remaining `ttlMs`, and `consumed`. Enough for
 * oidc-provider's checks (client, account, a `scope` parameter within the grant's) before it
 * refuses the token as reuse.
 */
export function usedRefreshToken(id: string, grantId: string, grant: ModelPayload, ttlMs: number): ModelPayload {
  const now = Math.floor(Date.now() / 1000);
  const { openid, resources } = grant as { openid?: { scope?: unknown }; resources?: Record<string, unknown> };
  const granted = [openid?.scope, ...Object.values(resources ?? {})].filter((scope): scope is string => typeof scope === 'string');
  return {
    jti: id,
    kind: 'RefreshToken',
    grantId,
    clientId: grant.clientId,
    accountId: grant.accountId,
    scope: [...new Set(granted.flatMap((scope) => scope.split(' ')))].join(' '),
    iat: now,
    exp: now + Math.max(1, Math.ceil(ttlMs / 1000)),
    consumed: now,
  };
}
