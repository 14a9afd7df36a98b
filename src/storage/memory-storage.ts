import { randomBytes } from 'node:crypto';
import { RateLimiterMemory } from 'rate-limiter-flexible';

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
import { alreadyConsumed } from './consume-conflict.ts';
import { createMemoryKeySetStore } from './memory-key-set-store.ts';
import { createRefreshTokenIds } from './refresh-token-ids.ts';
import { memoryKeys } from './storage-names.ts';

interface Entry {
  value: unknown;
  expiresAt: number;
}

/** One grant's refresh tokens, as the Redis chain keeps them (redis-scripts.ts). */
interface RefreshChain {
  current?: { id: string; payload: ModelPayload };
  previous?: { id: string; payload: ModelPayload };
  usedAtMs?: number;
  sent?: boolean;
}

/**
 * The in-process store of the development default. Single-threaded JavaScript makes each
 * method atomic, which is what `consume` relies on. Nothing survives a restart.
 */
export function createMemoryStorage(options: { secretPepper?: string } = {}): Storage {
  // Without a pepper of the configuration's, one of this process's: nothing outlives it anyway.
  const ids = createRefreshTokenIds(options.secretPepper ?? randomBytes(32).toString('base64url'));
  const values = new Map<string, Entry>();
  const collections = new Map<string, Map<string, unknown>>();

  const read = <T>(key: string): T | undefined => {
    const entry = values.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      values.delete(key);
      return undefined;
    }
    return entry.value as T;
  };
  const write = (key: string, value: unknown, ttlSeconds?: number) => {
    values.set(key, { value, expiresAt: ttlSeconds ? Date.now() + ttlSeconds * 1000 : Infinity });
  };
  // Expired entries are dropped on read; this sweep bounds memory for entries never read again.
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const [key, entry] of values) if (entry.expiresAt <= now) values.delete(key);
  }, 60_000);
  sweeper.unref();

  // An index set lives as long as its longest-lived member.
  function addToSet(setKey: string, member: string, expiresIn: number | undefined) {
    const members = read<Set<string>>(setKey) ?? new Set<string>();
    members.add(member);
    const current = values.get(setKey)?.expiresAt ?? 0;
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
    values.set(setKey, { value: members, expiresAt: Math.max(current, expiresAt) });
  }

  async function revokeByGrantId(grantId: string) {
    const members = read<Set<string>>(memoryKeys.grant(grantId));
    for (const key of members ?? []) values.delete(key);
    values.delete(memoryKeys.grant(grantId));
    values.delete(memoryKeys.refreshChain(grantId));
    // Marked for as long as the grant record lives (see Storage.isGrantRevoked).
    const grant = values.get(memoryKeys.model('Grant', grantId));
    if (grant && grant.expiresAt > Date.now()) values.set(memoryKeys.revokedGrant(grantId), { value: '1', expiresAt: grant.expiresAt });
  }

  const isGrantRevoked = (grantId: string) => read(memoryKeys.revokedGrant(grantId)) !== undefined;
  const revoked = (model: string, payload: ModelPayload) => grantableModels.has(model) && payload.grantId !== undefined && isGrantRevoked(payload.grantId);

  function saveModel(model: string, id: string, payload: ModelPayload, expiresIn: number | undefined) {
    const key = memoryKeys.model(model, id);
    const previous = read<ModelPayload>(key);
    write(key, { ...payload, ...(previous?.consumed ? { consumed: previous.consumed } : {}) }, expiresIn);
    if (grantableModels.has(model) && payload.grantId) addToSet(memoryKeys.grant(payload.grantId), key, expiresIn);
    if (model === 'Grant') {
      for (const principal of principalsOf(payload)) addToSet(memoryKeys.principalGrants(principal), id, expiresIn);
    }
    if (payload.uid) write(memoryKeys.uid(payload.uid), id, expiresIn);
    if (payload.userCode) write(memoryKeys.userCode(payload.userCode), id, expiresIn);
  }

  const withoutConsumed = ({ consumed: _consumed, ...rest }: ModelPayload) => structuredClone(rest);

  /** A token issued outside a rotation: the first of a new chain (or one the chain has, saved again). */
  function issueRefreshToken(id: string, grantId: string, payload: ModelPayload, expiresIn: number) {
    const entry = values.get(memoryKeys.refreshChain(grantId));
    const chain = read<RefreshChain>(memoryKeys.refreshChain(grantId));
    const token = { id, payload: withoutConsumed(payload) };
    const expiresAt = Math.max(entry?.expiresAt ?? 0, Date.now() + expiresIn * 1000);
    const saved = chain?.current?.id === id ? { ...chain, current: token } : chain?.previous?.id === id ? { ...chain, previous: token } : { current: token };
    values.set(memoryKeys.refreshChain(grantId), { value: saved, expiresAt });
  }

  /** A refresh token and where it stands in its chain; undefined when its grant was revoked. */
  function readRefreshToken(id: string): (FoundRefreshToken & { usedAtMs?: number }) | undefined {
    const owner = ids.ownerOf(id);
    if (!owner || isGrantRevoked(owner.grantId)) return undefined;
    const entry = values.get(memoryKeys.refreshChain(owner.grantId));
    const chain = read<RefreshChain>(memoryKeys.refreshChain(owner.grantId));
    if (!entry || !chain) return undefined;
    if (chain.current?.id === id) return { payload: structuredClone(chain.current.payload), used: false };
    if (chain.previous?.id === id) return { payload: structuredClone(chain.previous.payload), used: false, usedAtMs: chain.usedAtMs ?? Date.now() };
    // A used token, of which nothing is kept: what its grant says, for oidc-provider to refuse it.
    const grant = read<ModelPayload>(memoryKeys.model('Grant', owner.grantId));
    return grant && { payload: usedRefreshToken(id, owner.grantId, grant, entry.expiresAt - Date.now()), used: true };
  }

  // The same steps as the Redis script (redis-scripts.ts), atomic here by being synchronous.
  function rotateRefreshToken({ previousId, id, payload, expiresIn, reuseIntervalSeconds }: RefreshTokenRotation): RotationOutcome {
    const grantId = payload.grantId;
    if (!grantId) throw new TypeError('a refresh token is rotated within its grant');
    const chain = read<RefreshChain>(memoryKeys.refreshChain(grantId));
    if (!chain || isGrantRevoked(grantId)) return 'gone';
    const now = Date.now();
    if (chain.current?.id === previousId) {
      chain.previous = chain.current;
      chain.usedAtMs = now;
    } else if (chain.previous?.id === previousId) {
      if (!chain.current || (chain.sent && now - (chain.usedAtMs ?? 0) >= reuseIntervalSeconds * 1000)) return 'reused';
    } else {
      return ids.ownerOf(previousId) ? 'reused' : 'gone';
    }
    chain.current = { id, payload: withoutConsumed(payload) };
    chain.sent = false;
    write(memoryKeys.refreshChain(grantId), chain, expiresIn);
    return 'rotated';
  }

  /** oidc-provider's consume of a refresh token: used without a successor. */
  async function consumeRefreshToken(id: string) {
    const grantId = ids.ownerOf(id)?.grantId;
    const chain = grantId ? read<RefreshChain>(memoryKeys.refreshChain(grantId)) : undefined;
    if (chain?.current?.id === id) {
      chain.previous = chain.current;
      chain.usedAtMs = Date.now();
      delete chain.current;
      chain.sent = false;
      return;
    }
    if (grantId && chain) await revokeByGrantId(grantId);
    throw alreadyConsumed('RefreshToken');
  }

  function annulRefreshTokenRotation({ previousId, id, payload }: Pick<RefreshTokenRotation, 'previousId' | 'id' | 'payload'>) {
    const chain = payload.grantId ? read<RefreshChain>(memoryKeys.refreshChain(payload.grantId)) : undefined;
    if (!chain || chain.current?.id !== id || chain.previous?.id !== previousId) return;
    chain.current = chain.previous;
    delete chain.previous;
    delete chain.usedAtMs;
    chain.sent = false;
  }

  function confirmRefreshTokenRotation({ previousId, id, payload }: Pick<RefreshTokenRotation, 'previousId' | 'id' | 'payload'>) {
    const chain = payload.grantId ? read<RefreshChain>(memoryKeys.refreshChain(payload.grantId)) : undefined;
    if (chain && chain.current?.id === id && chain.previous?.id === previousId) chain.sent = true;
  }

  async function revokeGrantsOf(principal: GrantPrincipal): Promise<number> {
    const grantIds = [...(read<Set<string>>(memoryKeys.principalGrants(principal)) ?? [])];
    for (const grantId of grantIds) {
      await revokeByGrantId(grantId);
      values.delete(memoryKeys.model('Grant', grantId));
    }
    values.delete(memoryKeys.principalGrants(principal));
    return grantIds.length;
  }

  function modelAdapter(model: string): ModelAdapter {
    return {
      async upsert(id, payload, expiresIn) {
        if (model === 'RefreshToken' && payload.grantId) issueRefreshToken(id, payload.grantId, payload, expiresIn || 1);
        else saveModel(model, id, payload, expiresIn);
      },
      async find(id) {
        if (model === 'RefreshToken') {
          const found = readRefreshToken(id);
          if (found?.usedAtMs !== undefined) found.payload.consumed = Math.floor(found.usedAtMs / 1000);
          return found?.payload;
        }
        const payload = read<ModelPayload>(memoryKeys.model(model, id));
        if (!payload || revoked(model, payload)) return undefined;
        return structuredClone(payload);
      },
      async findByUid(uid) {
        const id = read<string>(memoryKeys.uid(uid));
        return id ? this.find(id) : undefined;
      },
      async findByUserCode(userCode) {
        const id = read<string>(memoryKeys.userCode(userCode));
        return id ? this.find(id) : undefined;
      },
      async consume(id) {
        if (model === 'RefreshToken') return consumeRefreshToken(id);
        const payload = read<ModelPayload>(memoryKeys.model(model, id));
        if (!payload) throw alreadyConsumed(model);
        if (payload.consumed && consumableModels.has(model)) {
          if (payload.grantId) await revokeByGrantId(payload.grantId);
          throw alreadyConsumed(model);
        }
        payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        // A token of a chain goes with its grant (oidc-provider revokes it right after).
        values.delete(memoryKeys.model(model, id));
      },
      revokeByGrantId,
    };
  }

  function collection<T>(name: string): Collection<T> {
    let records = collections.get(name) as Map<string, T> | undefined;
    if (!records) {
      records = new Map<string, T>();
      collections.set(name, records);
    }
    const map = records;
    return {
      async get(id) {
        const value = map.get(id);
        return value === undefined ? undefined : structuredClone(value);
      },
      async list() {
        return [...map.values()].map((value) => structuredClone(value));
      },
      async put(id, value) {
        map.set(id, structuredClone(value));
      },
      async insert(id, value) {
        if (map.has(id)) return false;
        map.set(id, structuredClone(value));
        return true;
      },
      async delete(id) {
        return map.delete(id);
      },
    };
  }

  return {
    kind: 'memory',
    modelAdapter,
    collection,
    keySet: createMemoryKeySetStore(),
    revokeGrantsOf,
    async swapValue(name, value, ttlSeconds) {
      const previous = read<string>(memoryKeys.value(name));
      write(memoryKeys.value(name), value, ttlSeconds);
      return previous;
    },
    async getValue(name) {
      return read<string>(memoryKeys.value(name));
    },
    async replaceValue(name, expected, value, ttlSeconds) {
      if (read<string>(memoryKeys.value(name)) !== expected) return false;
      write(memoryKeys.value(name), value, ttlSeconds);
      return true;
    },
    async deleteValue(name) {
      values.delete(memoryKeys.value(name));
    },
    async pacePoll(name, { intervalSeconds, stepSeconds, toleranceMs, ttlSeconds }) {
      const now = Date.now();
      const previous = read<{ lastPollMs: number; intervalSeconds: number }>(memoryKeys.value(name));
      const interval = previous?.intervalSeconds ?? intervalSeconds;
      const tooSoon = previous !== undefined && now - previous.lastPollMs < interval * 1000 - toleranceMs;
      write(memoryKeys.value(name), { lastPollMs: now, intervalSeconds: tooSoon ? interval + stepSeconds : interval }, ttlSeconds);
      return tooSoon ? 'too-soon' : 'in-time';
    },
    async isGrantRevoked(grantId) {
      return isGrantRevoked(grantId);
    },
    async grantStands(grantId) {
      return read(memoryKeys.model('Grant', grantId)) !== undefined && !isGrantRevoked(grantId);
    },
    refreshTokenId: (owner) => ids.mint(owner),
    refreshTokenOwner: (id) => ids.ownerOf(id),
    async findRefreshToken(id) {
      const found = readRefreshToken(id);
      return found && { payload: found.payload, used: found.used };
    },
    async rotateRefreshToken(rotation) {
      return rotateRefreshToken(rotation);
    },
    async annulRefreshTokenRotation(rotation) {
      annulRefreshTokenRotation(rotation);
    },
    async confirmRefreshTokenRotation(rotation) {
      confirmRefreshTokenRotation(rotation);
    },
    rateLimiter({ name, points, durationSeconds }: RateLimiterOptions) {
      return new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds });
    },
    async ping() {},
    async close() {
      clearInterval(sweeper);
      values.clear();
    },
  };
}
