import { RateLimiterRedis } from 'rate-limiter-flexible';

import type {
  Collection,
  FoundRefreshToken,
  GrantPrincipal,
  ModelAdapter,
  ModelPayload,
  RateLimiterOptions,
  RefreshTokenRotation,
  RotationOutcome,
  Storage,
} from './storage.ts';
import { consumableModels, grantableModels, principalsOf, usedRefreshToken } from './storage.ts';
import { createRedisKeys } from './storage-names.ts';
import type { RedisClient } from './redis-connection.ts';
import { defineRedisScripts } from './redis-scripts.ts';
import { guardStorage as guard, withDeadline } from './storage-unavailable.ts';
import { alreadyConsumed } from './consume-conflict.ts';
import { createTokenDigest } from './token-digest.ts';
import { createRefreshTokenIds } from './refresh-token-ids.ts';
import { createRedisKeySetStore } from './redis-key-set-store.ts';

export interface RedisStorageOptions {
  /** Keys the digests of credentials (HMAC-SHA-256); plain SHA-256 without it. */
  secretPepper?: string;
  /** A Redis command unanswered this long after it was issued fails the call with 503 (0: only ioredis's own timeout). */
  deadlineMs?: number;
}

/**
 * Production storage on Redis (standalone, Sentinel or Cluster). Credentials (token ids, user
 * codes, session uids) appear only digested in key names, index members and values, and
 * payloads are sealed under their own id (token-digest.ts); keys written before that are still
 * read, consumed and deleted until they expire (`keys.legacy`).
 */
export function createRedisStorage(rawClient: RedisClient, keyPrefix: string, options: RedisStorageOptions = {}): Storage {
  const digest = createTokenDigest(options.secretPepper);
  const keys = createRedisKeys(keyPrefix, digest);
  const ids = createRefreshTokenIds(options.secretPepper);
  const client = commandsWithDeadline(rawClient, options.deadlineMs ?? 0);
  const scripts = defineRedisScripts(client);
  const stamp = () => Math.floor(Date.now() / 1000);

  async function readModel(key: string, id: string): Promise<ModelPayload | undefined> {
    const [sealed, consumed, replaced] = await client.hmget(key, 'p', 'c', 'x');
    const text = sealed ? digest.open(id, sealed) : undefined;
    if (!text) return undefined;
    const payload = JSON.parse(text) as ModelPayload;
    // A refresh token replaced by a retry of its predecessor counts as used.
    if (consumed || replaced) payload.consumed = consumed ? Number(consumed) : stamp();
    return payload;
  }

  async function readLegacyModel(key: string): Promise<ModelPayload | undefined> {
    const [payload, consumed] = await client.hmget(key, 'p', 'c');
    // A digest taken from a key name and presented as an id names that (sealed) key here:
    // as unknown as any other id.
    if (!payload?.startsWith('{')) return undefined;
    const parsed = JSON.parse(payload) as ModelPayload;
    if (consumed) parsed.consumed = Number(consumed);
    return parsed;
  }

  async function find(model: string, id: string): Promise<ModelPayload | undefined> {
    if (model === 'RefreshToken') return findRefreshTokenChecked(id);
    const payload = (await readModel(keys.model(model, id), id)) ?? (await readLegacyModel(keys.legacy.model(model, id)));
    if (!payload?.grantId || !grantableModels.has(model)) return payload;
    // A grant-bound payload whose grant was revoked is treated as gone.
    return (await isGrantRevoked(payload.grantId)) ? undefined : payload;
  }

  /**
   * A refresh token, in whichever layout it was written (see redis-scripts.ts), with where it
   * stands in its chain; undefined when its grant was revoked.
   */
  async function readRefreshToken(id: string): Promise<(FoundRefreshToken & { usedAt?: number }) | undefined> {
    const name = keys.nameOf(id);
    const owner = ids.ownerOf(id);
    if (!owner) return readOlderRefreshToken(id, name);
    const [revoked, role, sealed, usedAt, ttlMs] = await scripts.findRefreshToken(keys.refreshChain(owner.grantId), keys.revokedGrant(owner.grantId), name);
    if (revoked === 1 || !role) return undefined;
    if (role === 'old') {
      // A used token, of which nothing is kept: what its grant says, for oidc-provider to refuse it.
      const grant = await readModel(keys.model('Grant', owner.grantId), owner.grantId);
      return grant && { payload: usedRefreshToken(id, owner.grantId, grant, ttlMs), used: true };
    }
    const text = sealed ? digest.open(id, sealed) : undefined;
    if (!text) return undefined;
    return { payload: JSON.parse(text) as ModelPayload, used: false, ...(role === 'prev' ? { usedAt: Number(usedAt) } : {}) };
  }

  /** A refresh token stored before the chain (grant pointer and record), or before hashing. */
  async function readOlderRefreshToken(id: string, name: string): Promise<FoundRefreshToken | undefined> {
    const grantId = await client.get(keys.olderRefreshToken.grant(name));
    const payload = grantId ? await readModel(keys.olderRefreshToken.record(grantId, name), id) : await readLegacyModel(keys.legacy.model('RefreshToken', id));
    if (!payload) return undefined;
    if (payload.grantId && (await isGrantRevoked(payload.grantId))) return undefined;
    return { payload, used: false };
  }

  /** find: a used token says when it was used. */
  async function findRefreshTokenChecked(id: string): Promise<ModelPayload | undefined> {
    const found = await readRefreshToken(id);
    if (found?.usedAt !== undefined) found.payload.consumed = Math.floor(found.usedAt / 1000);
    return found?.payload;
  }

  async function findByIndex(model: string, indexKey: string, legacyIndexKey: string, credential: string) {
    const sealed = await client.get(indexKey);
    const id = sealed ? digest.open(credential, sealed) : ((await client.get(legacyIndexKey)) ?? undefined);
    return id ? find(model, id) : undefined;
  }

  const isGrantRevoked = async (grantId: string) => (await client.exists(keys.revokedGrant(grantId))) === 1;

  async function grantStands(grantId: string) {
    // Two slots, one round trip; a grant stored before hashing (at most its 90 days) costs a second.
    const [current, revoked] = await Promise.all([client.exists(keys.model('Grant', grantId)), client.exists(keys.revokedGrant(grantId))]);
    if (revoked === 1) return false;
    return current === 1 || (await client.exists(keys.legacy.model('Grant', grantId))) === 1;
  }

  async function revokeByGrantId(grantId: string) {
    const grantKey = keys.grant(grantId);
    const [members, grantTtl, legacyGrantTtl] = await Promise.all([
      client.smembers(grantKey),
      client.ttl(keys.model('Grant', grantId)),
      client.ttl(keys.legacy.model('Grant', grantId)),
    ]);
    // Members carry their own hash tags, so in a cluster each DEL goes to its own slot.
    await Promise.all([...members.map((key) => client.del(key)), client.del(grantKey), client.del(keys.refreshChain(grantId))]);
    // Tokens of the grant saved while this ran (a concurrent redemption's winner) are saved
    // after their siblings were deleted; the mark, as long as the grant record lives, makes them
    // unusable too. No grant record (ttl -2): without it no token of the grant is accepted.
    const markTtl = Math.max(grantTtl, legacyGrantTtl);
    if (markTtl > 0) await client.set(keys.revokedGrant(grantId), '1', 'EX', markTtl);
  }

  async function upsert(model: string, id: string, payload: ModelPayload, expiresIn: number | undefined) {
    const { consumed: _consumed, ...rest } = payload;
    const sealed = digest.seal(id, JSON.stringify(rest));
    const ttl = expiresIn || 0;
    if (model === 'RefreshToken' && payload.grantId) {
      // A token issued outside a rotation (the device-code grant's): the first of its chain.
      await scripts.issueRefreshToken(keys.refreshChain(payload.grantId), keys.nameOf(id), sealed, ttl || 1);
      return;
    }
    const key = keys.model(model, id);
    // A token's grant index has another hash tag (another slot in a cluster), so it cannot be
    // written by the same script; it is sent with the token rather than after it. Should a
    // revocation read the index between the two, the grant is marked revoked, and a token of a
    // revoked grant is never found.
    const writes: Promise<unknown>[] = [scripts.write(key, sealed, ttl)];
    if (grantableModels.has(model) && payload.grantId) writes.push(scripts.indexSet(keys.grant(payload.grantId), key, ttl || 1));
    if (payload.uid) writes.push(setIndex(keys.uid(payload.uid), digest.seal(payload.uid, id), expiresIn));
    if (payload.userCode) writes.push(setIndex(keys.userCode(payload.userCode), digest.seal(payload.userCode, id), expiresIn));
    await Promise.all(writes);
    // A grant is indexed under its principals only once it exists, so revoking a principal's
    // grants never drops the entry of a grant that appears afterwards.
    if (model === 'Grant') {
      await Promise.all(principalsOf(payload).map((principal) => scripts.indexSet(keys.principalGrants(principal.kind, principal.id), id, ttl || 1)));
    }
  }

  async function consume(model: string, id: string) {
    if (model === 'RefreshToken') return consumeRefreshToken(id);
    const key = keys.model(model, id);
    const legacyKey = keys.legacy.model(model, id);
    let outcome = await scripts.consume(key, stamp());
    if (outcome === -1) outcome = await scripts.consumeLegacy(legacyKey, stamp());
    if (outcome === 1) return;
    if (outcome === 0 && consumableModels.has(model)) {
      const payload = (await readModel(key, id)) ?? (await readLegacyModel(legacyKey));
      if (payload?.grantId) await revokeByGrantId(payload.grantId);
    }
    throw alreadyConsumed(model);
  }

  /** oidc-provider's consume of a refresh token (the rotation replaces it in the refresh_token grant). */
  async function consumeRefreshToken(id: string) {
    const name = keys.nameOf(id);
    const owner = ids.ownerOf(id);
    const olderGrantId = owner ? undefined : await client.get(keys.olderRefreshToken.grant(name));
    let outcome = owner ? await scripts.consumeRefreshToken(keys.refreshChain(owner.grantId), name) : -1;
    if (outcome === -1 && olderGrantId) outcome = await scripts.consume(keys.olderRefreshToken.record(olderGrantId, name), stamp());
    if (outcome === -1 && !owner) outcome = await scripts.consumeLegacy(keys.legacy.model('RefreshToken', id), stamp());
    if (outcome === 1) return;
    const grantId = owner?.grantId ?? olderGrantId ?? (await readLegacyModel(keys.legacy.model('RefreshToken', id)))?.grantId;
    if (outcome === 0 && grantId) await revokeByGrantId(grantId);
    throw alreadyConsumed('RefreshToken');
  }

  async function destroy(model: string, id: string) {
    const deletes: Promise<unknown>[] = [scripts.deleteLegacy(keys.legacy.model(model, id))];
    if (model === 'RefreshToken') {
      // A token of the chain goes with its grant (oidc-provider revokes it right after).
      const name = keys.nameOf(id);
      const olderGrantId = await client.get(keys.olderRefreshToken.grant(name));
      if (olderGrantId) deletes.push(client.del(keys.olderRefreshToken.record(olderGrantId, name)), client.del(keys.olderRefreshToken.grant(name)));
    } else {
      deletes.push(client.del(keys.model(model, id)));
    }
    await Promise.all(deletes);
  }

  function modelAdapter(model: string): ModelAdapter {
    return {
      upsert: (id, payload, expiresIn) => guard(() => upsert(model, id, payload, expiresIn)),
      find: (id) => guard(() => find(model, id)),
      findByUid: (uid) => guard(() => findByIndex(model, keys.uid(uid), keys.legacy.uid(uid), uid)),
      findByUserCode: (userCode) => guard(() => findByIndex(model, keys.userCode(userCode), keys.legacy.userCode(userCode), userCode)),
      consume: (id) => guard(() => consume(model, id)),
      destroy: (id) => guard(() => destroy(model, id)),
      revokeByGrantId: (grantId) => guard(() => revokeByGrantId(grantId)),
    };
  }

  // A rotation is confirmed or annulled with the very object it was made from
  // (refresh-token-rotation.ts): its two names are computed once.
  const namesOfRotations = new WeakMap<object, { previous: string; successor: string }>();
  function rotationNames(rotation: Pick<RefreshTokenRotation, 'previousId' | 'id'>) {
    let names = namesOfRotations.get(rotation);
    if (!names) namesOfRotations.set(rotation, (names = { previous: keys.nameOf(rotation.previousId), successor: keys.nameOf(rotation.id) }));
    return names;
  }

  async function rotateRefreshToken(rotation: RefreshTokenRotation): Promise<RotationOutcome> {
    const { previousId, id, payload, expiresIn, reuseIntervalSeconds } = rotation;
    const grantId = payload.grantId;
    if (!grantId) throw new TypeError('a refresh token is rotated within its grant');
    const { consumed: _consumed, ...rest } = payload;
    const sealed = digest.seal(id, JSON.stringify(rest));
    const { previous, successor } = rotationNames(rotation);
    const minted = ids.ownerOf(previousId) ? 1 : 0;
    const outcome = await scripts.rotateRefreshToken(
      keys.refreshChain(grantId),
      keys.revokedGrant(grantId),
      keys.olderRefreshToken.record(grantId, previous),
      previous,
      successor,
      sealed,
      expiresIn,
      reuseIntervalSeconds * 1000,
      minted,
    );
    if (outcome !== 'gone' || minted) return outcome;
    // A token issued before credentials were hashed at rest: consumed once, without retries.
    const legacy = await scripts.consumeLegacy(keys.legacy.model('RefreshToken', previousId), stamp());
    if (legacy === -1) return 'gone';
    if (legacy === 0) return 'reused';
    await upsert('RefreshToken', id, payload, expiresIn);
    return 'rotated';
  }

  async function annulRefreshTokenRotation(rotation: Parameters<Storage['annulRefreshTokenRotation']>[0]) {
    const grantId = rotation.payload.grantId;
    if (!grantId) return;
    const { previous, successor } = rotationNames(rotation);
    await scripts.annulRotation(keys.refreshChain(grantId), keys.olderRefreshToken.record(grantId, previous), previous, successor);
  }

  async function confirmRefreshTokenRotation(rotation: Parameters<Storage['confirmRefreshTokenRotation']>[0]) {
    const grantId = rotation.payload.grantId;
    if (!grantId) return;
    const { previous, successor } = rotationNames(rotation);
    await scripts.confirmRotation(keys.refreshChain(grantId), previous, successor);
  }

  function setIndex(key: string, value: string, expiresIn: number | undefined) {
    return expiresIn ? client.set(key, value, 'EX', expiresIn) : client.set(key, value);
  }

  async function revokeGrantsOf(principal: GrantPrincipal): Promise<number> {
    const setKey = keys.principalGrants(principal.kind, principal.id);
    const grantIds = await client.smembers(setKey);
    await Promise.all(
      grantIds.map((grantId) =>
        Promise.all([revokeByGrantId(grantId), client.del(keys.model('Grant', grantId)), client.del(keys.legacy.model('Grant', grantId))]),
      ),
    );
    // SREM, not DEL: a grant recorded while this ran stays indexed.
    if (grantIds.length > 0) await client.srem(setKey, ...grantIds);
    return grantIds.length;
  }

  function collection<T>(name: string): Collection<T> {
    const key = keys.collection(name);
    return {
      get: (id) =>
        guard(async () => {
          const value = await client.hget(key, id);
          return value ? (JSON.parse(value) as T) : undefined;
        }),
      list: () => guard(async () => Object.values(await client.hgetall(key)).map((value) => JSON.parse(value) as T)),
      put: (id, value) =>
        guard(async () => {
          await client.hset(key, id, JSON.stringify(value));
        }),
      insert: (id, value) => guard(async () => (await client.hsetnx(key, id, JSON.stringify(value))) === 1),
      delete: (id) => guard(async () => (await client.hdel(key, id)) === 1),
    };
  }

  return {
    kind: 'redis',
    modelAdapter,
    collection,
    keySet: createRedisKeySetStore(client, rawClient, keys.signingKeys),
    revokeGrantsOf: (principal) => guard(() => revokeGrantsOf(principal)),
    swapValue: (name, value, ttlSeconds) => guard(async () => (await client.set(keys.value(name), value, 'EX', ttlSeconds, 'GET')) ?? undefined),
    getValue: (name) => guard(async () => (await client.get(keys.value(name))) ?? undefined),
    replaceValue: (name, expected, value, ttlSeconds) => guard(async () => (await scripts.replaceValue(keys.value(name), expected, value, ttlSeconds)) === 1),
    deleteValue: (name) =>
      guard(async () => {
        await client.del(keys.value(name));
      }),
    pacePoll: (name, { intervalSeconds, stepSeconds, toleranceMs, ttlSeconds }) =>
      guard(async () => ((await scripts.pacePoll(keys.value(name), intervalSeconds, stepSeconds, toleranceMs, ttlSeconds)) === 1 ? 'too-soon' : 'in-time')),
    isGrantRevoked: (grantId) => guard(() => isGrantRevoked(grantId)),
    grantStands: (grantId) => guard(() => grantStands(grantId)),
    refreshTokenId: (owner) => ids.mint(owner),
    refreshTokenOwner: (id) => ids.ownerOf(id),
    findRefreshToken: (id) =>
      guard(async () => {
        const found = await readRefreshToken(id);
        return found && { payload: found.payload, used: found.used };
      }),
    rotateRefreshToken: (rotation) => guard(() => rotateRefreshToken(rotation)),
    annulRefreshTokenRotation: (rotation) => guard(() => annulRefreshTokenRotation(rotation)),
    confirmRefreshTokenRotation: (rotation) => guard(() => confirmRefreshTokenRotation(rotation)),
    rateLimiter({ name, points, durationSeconds }: RateLimiterOptions) {
      return new RateLimiterRedis({
        storeClient: rawClient,
        keyPrefix: keys.rateLimit(name),
        points,
        duration: durationSeconds,
        rejectIfRedisNotReady: true,
      });
    },
    ping: () =>
      guard(async () => {
        await client.ping();
      }),
    async close() {
      await rawClient.quit().catch(() => rawClient.disconnect());
    },
  };
}

/** The client, with every command it answers by a promise bounded by `deadlineMs` from its issue. */
function commandsWithDeadline(client: RedisClient, deadlineMs: number): RedisClient {
  if (!deadlineMs) return client;
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        return result instanceof Promise ? withDeadline(result, deadlineMs) : result;
      };
    },
  });
}
