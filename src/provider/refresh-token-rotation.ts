import Provider, { errors, type Adapter, type KoaContextWithOIDC } from 'oidc-provider';

import type { ModelPayload, RefreshTokenRotation, Storage } from '../storage/storage.ts';
import { StorageUnavailableError } from '../storage/storage-unavailable.ts';
import { isRefreshTokenGrant } from '../kernel/provider-internals.ts';

export interface RefreshTokenRotationOptions {
  /** ttl.refreshTokenReuseInterval: see the config schema. */
  reuseIntervalSeconds: number;
  /** How long an undelivered rotation is retried to be undone while storage is away, ms. */
  annulForMs?: number;
}

/** What one token request rotated: set by the adapter, read by the middleware around it. */
interface RequestRotation {
  previousId?: string;
  rotated?: Pick<RefreshTokenRotation, 'previousId' | 'id' | 'payload'>;
}

/**
 * Refresh-token rotation (RFC 9700 §4.14.2) that a storage outage cannot turn into a lost login.
 *
 * oidc-provider's refresh_token grant finds the token, refuses it if `consumed`, calls
 * `consume()`, then builds the successor and `save()`s it, then saves the access token
 * (provider-internals.ts, isRefreshTokenGrant). Here `consume()` only notes the token, and the successor's `upsert` is
 * the rotation: one atomic storage operation (Storage.rotateRefreshToken) that consumes the old
 * token, saves the successor and records which it was. Within this grant `find` hides a
 * `consumed` stamp so that the decision is the rotation's alone: a retry of a token whose
 * successor was never sent, or was sent within the reuse interval and never used, continues
 * the chain; anything else is reuse (onRefreshTokenReuse). A request that rotated but did not answer 200 (storage failed
 * after the rotation) undoes it, retrying while storage is away, so the client's retry of the
 * same token is a plain rotation however late it comes.
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

  function adapter(base: Adapter): Adapter {
    return {
      ...base,
      async find(id) {
        const payload = await base.find(id);
        if (!payload || !isRefreshTokenGrant(Provider.ctx)) return payload;
        const { consumed: _consumed, ...rest } = payload;
        return rest;
      },
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
        // Noted before the outcome is known: a rotation whose answer from Redis timed out may
        // still have happened (or happen when a frozen Redis thaws), and is undone all the same.
        // Until the answer is sent (undoUnanswered) its successor is not issued: a retry of the
        // same token, however late (Redis killed and back after the reuse interval, before the
        // undo got through), replaces it rather than counting as reuse.
        request.rotated = { previousId, id, payload: payload as ModelPayload };
        const outcome = await storage.rotateRefreshToken({ previousId, id, payload, expiresIn: expiresIn ?? 1, reuseIntervalSeconds: options.reuseIntervalSeconds });
        if (outcome === 'reused') return onRefreshTokenReuse(storage, payload.grantId);
        if (outcome === 'gone') throw new errors.InvalidGrant('refresh token not found');
      },
    };
  }

  /**
   * Once a request is over, answered or thrown: a rotation whose answer goes out is confirmed
   * (only from then on does its successor count as issued), one whose answer was lost is undone.
   * The confirmation is not awaited: should it be lost, a late retry of the old token is taken
   * for a lost answer and replaces the successor, which its holder then finds refused as reuse.
   */
  function undoUnanswered(ctx: KoaContextWithOIDC): void {
    const rotated = requests.get(ctx)?.rotated;
    if (!rotated) return;
    if (ctx.status !== 200) annulLater(rotated);
    else storage.confirmRefreshTokenRotation(rotated).catch(() => {});
  }

  return { adapter, undoUnanswered };
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
