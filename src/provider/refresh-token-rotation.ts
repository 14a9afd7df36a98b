import Provider, { errors, type Adapter, type KoaContextWithOIDC } from 'oidc-provider';

import type { RefreshTokenOwner } from '../storage/refresh-token-ids.ts';
import type { ModelPayload, RefreshTokenRotation, Storage } from '../storage/storage.ts';
import { StorageUnavailableError } from '../storage/storage-unavailable.ts';
import { isRefreshTokenGrant } from '../kernel/provider-internals.ts';

export interface RefreshTokenRotationOptions {
  /** ttl.refreshTokenReuseInterval: see the config schema. */
  reuseIntervalSeconds: number;
  /** How long an undelivered rotation is retried to be undone while storage is away, ms. */
  annulForMs?: number;
  /**
   * Called with a presented token's grant and account, which its id names, to start the reads
   * the grant makes next (its Grant, its account) in the same round trip as the token's.
   */
  readAlong?: (owner: RefreshTokenOwner) => void;
}

/** What one token request rotated: set by the adapter, read by the middleware around it. */
interface RequestRotation {
  previousId?: string;
  /** The rotation, built by the successor's save, sent with the access token's claims. */
  pending?: RefreshTokenRotation;
  rotated?: Pick<RefreshTokenRotation, 'previousId' | 'id' | 'payload'>;
}

type ClaimsOf<T> = (ctx: KoaContextWithOIDC, token: T) => Promise<Record<string, unknown> | undefined>;

/**
 * Refresh-token rotation (RFC 9700 §4.14.2) that a storage outage cannot turn into a lost login.
 *
 * oidc-provider's refresh_token grant finds the token, refuses it if `consumed`, calls
 * `consume()`, then builds the successor and `save()`s it, then builds and saves the access
 * token (provider-internals.ts, isRefreshTokenGrant). Here `consume()` only notes the token,
 * the successor's `upsert` only builds the rotation, and the rotation is sent with the access
 * token's claims (`sentWithClaims`), whose own write (the token's grant record) goes in the same
 * round trip: one atomic storage operation (Storage.rotateRefreshToken) that consumes the old
 * token and makes the successor current. Within this grant `find` hides a `consumed` stamp so
 * that the decision is the rotation's alone: a retry of a token whose successor was never
 * sent, or was sent within the reuse interval and never used, continues the chain; anything
 * else is reuse (onRefreshTokenReuse). An older token, of which the store keeps nothing, is
 * found `consumed` and oidc-provider refuses it as reuse itself. A request that
 * rotated but did not answer 200 (storage failed after the rotation) undoes it, retrying while
 * storage is away, so the client's retry of the same token is a plain rotation however late
 * it comes.
 */
export function createRefreshTokenRotation(storage: Storage, options: RefreshTokenRotationOptions) {
  // Keyed by the request's koa context, which the adapter reaches through oidc-provider's
  // Provider.ctx: no async context of our own to enter on every request (issue 14).
  const requests = new WeakMap<object, RequestRotation>();
  const requestOf = (): RequestRotation | undefined => {
    const ctx = Provider.ctx;
    if (!ctx) return undefined;
    let request = requests.get(ctx);
    if (!request) requests.set(ctx, (request = {}));
    return request;
  };
  const annulForMs = options.annulForMs ?? 5 * 60_000;

  function annulLater(rotation: NonNullable<RequestRotation['rotated']>, until = Date.now() + annulForMs) {
    storage.annulRefreshTokenRotation(rotation).catch((error: unknown) => {
      if (!(error instanceof StorageUnavailableError) || Date.now() > until) return;
      setTimeout(() => annulLater(rotation, until), 500).unref();
    });
  }

  /** The presented token, read in the same round trip as its Grant and account. */
  async function findPresented(id: string): Promise<ModelPayload | undefined> {
    const owner = storage.refreshTokenOwner(id);
    if (owner) options.readAlong?.(owner);
    const found = await storage.findRefreshToken(id);
    if (!found || found.used) return found?.payload;
    const { consumed: _consumed, ...rest } = found.payload;
    return rest;
  }

  function adapter(base: Adapter): Adapter {
    return {
      ...base,
      find: (id) => (isRefreshTokenGrant(Provider.ctx) ? findPresented(id) : base.find(id)),
      async consume(id) {
        const request = requestOf();
        if (!request) return base.consume(id);
        request.previousId = id;
      },
      async upsert(id, payload, expiresIn) {
        const request = requestOf();
        const previousId = request?.previousId;
        if (!request || !previousId || !payload.grantId) return base.upsert(id, payload, expiresIn);
        request.previousId = undefined;
        request.pending = { previousId, id, payload: payload as ModelPayload, expiresIn: expiresIn ?? 1, reuseIntervalSeconds: options.reuseIntervalSeconds };
      },
    };
  }

  /**
   * extraTokenClaims, sending the rotation built for this request's access token before the
   * claims' own writes, in the same tick, so both leave in one round trip; the token is signed
   * only once the rotation took place.
   */
  function sentWithClaims<T extends { kind: string }>(claims: ClaimsOf<T>): ClaimsOf<T> {
    return async (ctx, token) => {
      const request = requests.get(ctx);
      const rotation = request?.pending;
      if (!request || !rotation || token.kind !== 'AccessToken') return claims(ctx, token);
      request.pending = undefined;
      // Noted before the outcome is known: a rotation whose answer from storage timed out may
      // still have happened (or happen when a frozen Redis thaws), and is undone all the same.
      // Until the answer is sent (undoUnanswered) its successor is not issued: a retry of the
      // same token, however late (Redis killed and back after the reuse interval, before the
      // undo got through), replaces it rather than counting as reuse.
      request.rotated = rotation;
      const [outcome, extra] = await Promise.allSettled([storage.rotateRefreshToken(rotation), claims(ctx, token)]);
      if (outcome.status === 'rejected') throw outcome.reason;
      if (outcome.value === 'reused') return onRefreshTokenReuse(storage, rotation.payload.grantId as string);
      if (outcome.value === 'gone') throw new errors.InvalidGrant('refresh token not found');
      if (extra.status === 'rejected') throw extra.reason;
      return extra.value;
    };
  }

  /**
   * Once a request is over, answered or thrown: a rotation whose answer goes out is confirmed
   * (only from then on does its successor count as issued), one whose answer was lost is undone.
   * The confirmation is not awaited: should it be lost, a late retry of the old token is taken
   * for a lost answer and replaces the successor, which its holder then finds refused as reuse.
   */
  function undoUnanswered(ctx: KoaContextWithOIDC): void {
    const request = requests.get(ctx);
    // A successor is handed out only once stored: should oidc-provider ever answer without
    // building the access token the rotation is sent with, the answer becomes a server error.
    if (request?.pending && ctx.status === 200) throw new Error('refresh token answered before its rotation was stored');
    const rotated = request?.rotated;
    if (!rotated) return;
    if (ctx.status !== 200) annulLater(rotated);
    else storage.confirmRefreshTokenRotation(rotated).catch(() => {});
  }

  return { adapter, sentWithClaims, undoUnanswered };
}

/**
 * Reuse detection, in one place: a rotated refresh token was presented after its successor was
 * used or replaced, or after the reuse interval once its successor had been sent. RFC 9700 §4.14.2: the whole grant is revoked,
 * so whichever party holds the live successor (the person or a thief) must log in again.
 */
async function onRefreshTokenReuse(storage: Storage, grantId: string): Promise<never> {
  await storage.modelAdapter('RefreshToken').revokeByGrantId(grantId);
  throw new errors.InvalidGrant('refresh token already used');
}
