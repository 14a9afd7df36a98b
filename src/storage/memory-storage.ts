import { RateLimiterMemory } from 'rate-limiter-flexible';

import type { Collection, FoundRefreshToken, GrantPrincipal, ModelAdapter, ModelPayload, RateLimiterOptions, RefreshTokenRotation, RotationOutcome, Storage } from './storage.ts';
import { consumableModels, grantableModels, principalsOf, usedRefreshToken } from './storage.ts';
import { alreadyConsumed } from './consume-conflict.ts';
import { createMemoryKeySetStore } from './memory-key-set-store.ts';

interface Entry {
  value: unknown;
  expiresAt: number;
}

/** A refresh token: its grant, and while it may be rotated its payload and its predecessor. */
interface RefreshTokenRecord {
  grantId: string;
  payload?: ModelPayload;
  retires?: string;
}

/** One grant's refresh-token chain, as the Redis script keeps it (redis-scripts.ts). */
interface RefreshChain {
  current?: string;
  previous?: string;
  usedAtMs?: number;
  sent?: boolean;
}

/**
 * The in-process store of the development default. Single-threaded JavaScript makes each
 * method atomic, which is what `consume` relies on. Nothing survives a restart.
 */
export function createMemoryStorage(): Storage {
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

  const modelKey = (model: string, id: string) => `${model}:${id}`;
  const principalKey = (principal: GrantPrincipal) => `principal-grants:${principal.kind}:${principal.id}`;
  const revokedKey = (grantId: string) => `revoked-grant:${grantId}`;
  const refreshTokenKey = (id: string) => `refresh-token:${id}`;
  const chainKey = (grantId: string) => `refresh-chain:${grantId}`;

  // An index set lives as long as its longest-lived member.
  function addToSet(setKey: string, member: string, expiresIn: number | undefined) {
    const members = read<Set<string>>(setKey) ?? new Set<string>();
    members.add(member);
    const current = values.get(setKey)?.expiresAt ?? 0;
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
    values.set(setKey, { value: members, expiresAt: Math.max(current, expiresAt) });
  }

  async function revokeByGrantId(grantId: string) {
    const members = read<Set<string>>(`grant:${grantId}`);
    for (const key of members ?? []) values.delete(key);
    values.delete(`grant:${grantId}`);
    // The chain's refresh tokens go; marks of used ones stay until they expire.
    const chain = read<RefreshChain>(chainKey(grantId));
    for (const id of [chain?.current, chain?.previous]) if (id) values.delete(refreshTokenKey(id));
    values.delete(chainKey(grantId));
    // Marked for as long as the grant record lives (see Storage.isGrantRevoked).
    const grant = values.get(modelKey('Grant', grantId));
    if (grant && grant.expiresAt > Date.now()) values.set(revokedKey(grantId), { value: '1', expiresAt: grant.expiresAt });
  }

  const isGrantRevoked = (grantId: string) => read(revokedKey(grantId)) !== undefined;
  const revoked = (model: string, payload: ModelPayload) => grantableModels.has(model) && payload.grantId !== undefined && isGrantRevoked(payload.grantId);

  function saveModel(model: string, id: string, payload: ModelPayload, expiresIn: number | undefined) {
    const key = modelKey(model, id);
    const previous = read<ModelPayload>(key);
    write(key, { ...payload, ...(previous?.consumed ? { consumed: previous.consumed } : {}) }, expiresIn);
    if (grantableModels.has(model) && payload.grantId) addToSet(`grant:${payload.grantId}`, key, expiresIn);
    if (model === 'Grant') {
      for (const principal of principalsOf(payload)) addToSet(principalKey(principal), id, expiresIn);
    }
    if (payload.uid) write(`uid:${payload.uid}`, id, expiresIn);
    if (payload.userCode) write(`userCode:${payload.userCode}`, id, expiresIn);
  }

  /** Lives as long as the longest of what was written, like the Redis chain (EXPIRE GT). */
  function writeLonger(key: string, value: unknown, expiresIn: number) {
    values.set(key, { value, expiresAt: Math.max(values.get(key)?.expiresAt ?? 0, Date.now() + expiresIn * 1000) });
  }

  function saveRefreshToken(id: string, grantId: string, payload: ModelPayload, expiresIn: number, retires?: string) {
    const { consumed: _consumed, ...rest } = payload;
    const record: RefreshTokenRecord = { grantId, payload: structuredClone(rest), ...(retires ? { retires } : {}) };
    write(refreshTokenKey(id), record, expiresIn);
  }

  /** A token issued outside a rotation: the first of its grant's chain. */
  function issueRefreshToken(id: string, grantId: string, payload: ModelPayload, expiresIn: number) {
    saveRefreshToken(id, grantId, payload, expiresIn);
    const chain = read<RefreshChain>(chainKey(grantId));
    writeLonger(chainKey(grantId), chain && (chain.current === id || chain.previous === id) ? chain : { current: id }, expiresIn);
  }

  /** Only the mark of a used token is kept: its grant. */
  function dropPayload(id: string) {
    const record = read<RefreshTokenRecord>(refreshTokenKey(id));
    if (record) {
      delete record.payload;
      delete record.retires;
    }
  }

  function findRefreshToken(id: string): FoundRefreshToken | undefined {
    const record = read<RefreshTokenRecord>(refreshTokenKey(id));
    if (!record) return undefined;
    if (record.payload) return { payload: structuredClone(record.payload), used: false, ...(record.retires ? { retires: record.retires } : {}) };
    const grant = read<ModelPayload>(modelKey('Grant', record.grantId));
    const ttlMs = (values.get(refreshTokenKey(id))?.expiresAt ?? 0) - Date.now();
    return grant && { payload: usedRefreshToken(id, record.grantId, grant, ttlMs), used: true };
  }

  function findRefreshTokenChecked(id: string): ModelPayload | undefined {
    const found = findRefreshToken(id);
    const grantId = found?.payload.grantId;
    if (!found || !grantId || isGrantRevoked(grantId)) return undefined;
    if (found.used) return found.payload;
    const chain = read<RefreshChain>(chainKey(grantId));
    if (chain?.previous === id) found.payload.consumed = Math.floor((chain.usedAtMs ?? Date.now()) / 1000);
    else if (chain?.current !== id) found.payload.consumed = Math.floor(Date.now() / 1000);
    return found.payload;
  }

  // The same steps as the Redis script (redis-scripts.ts), atomic here by being synchronous.
  function rotateRefreshToken({ previousId, retires, id, payload, expiresIn, reuseIntervalSeconds }: RefreshTokenRotation): RotationOutcome {
    const grantId = payload.grantId;
    if (!grantId) throw new TypeError('a refresh token is rotated within its grant');
    if (retires) dropPayload(retires);
    const chain = read<RefreshChain>(chainKey(grantId));
    if (!chain || isGrantRevoked(grantId) || !read(refreshTokenKey(previousId))) return 'gone';
    const now = Date.now();
    let replaced: string | undefined;
    if (chain.current === previousId) {
      chain.previous = previousId;
      chain.usedAtMs = now;
    } else if (chain.previous === previousId) {
      if (!chain.current || (chain.sent && now - (chain.usedAtMs ?? 0) >= reuseIntervalSeconds * 1000)) return 'reused';
      replaced = chain.current;
    } else {
      return 'reused';
    }
    chain.current = id;
    chain.sent = false;
    write(chainKey(grantId), chain, expiresIn);
    saveRefreshToken(id, grantId, payload, expiresIn, previousId);
    if (replaced) dropPayload(replaced);
    return 'rotated';
  }

  /** oidc-provider's consume of a refresh token: used without a successor. */
  async function consumeRefreshToken(id: string) {
    const record = read<RefreshTokenRecord>(refreshTokenKey(id));
    const chain = record && read<RefreshChain>(chainKey(record.grantId));
    if (record && chain?.current === id) {
      chain.previous = id;
      chain.usedAtMs = Date.now();
      delete chain.current;
      chain.sent = false;
      return;
    }
    if (record && chain) await revokeByGrantId(record.grantId);
    throw alreadyConsumed('RefreshToken');
  }

  function annulRefreshTokenRotation({ previousId, id, payload }: Pick<RefreshTokenRotation, 'previousId' | 'id' | 'payload'>) {
    const chain = payload.grantId ? read<RefreshChain>(chainKey(payload.grantId)) : undefined;
    if (!chain || chain.current !== id || chain.previous !== previousId) return;
    chain.current = previousId;
    delete chain.previous;
    delete chain.usedAtMs;
    chain.sent = false;
    values.delete(refreshTokenKey(id));
  }

  function confirmRefreshTokenRotation({ previousId, id, payload }: Pick<RefreshTokenRotation, 'previousId' | 'id' | 'payload'>) {
    const chain = payload.grantId ? read<RefreshChain>(chainKey(payload.grantId)) : undefined;
    if (chain && chain.current === id && chain.previous === previousId) chain.sent = true;
  }

  async function revokeGrantsOf(principal: GrantPrincipal): Promise<number> {
    const grantIds = [...(read<Set<string>>(principalKey(principal)) ?? [])];
    for (const grantId of grantIds) {
      await revokeByGrantId(grantId);
      values.delete(modelKey('Grant', grantId));
    }
    values.delete(principalKey(principal));
    return grantIds.length;
  }

  function modelAdapter(model: string): ModelAdapter {
    return {
      async upsert(id, payload, expiresIn) {
        if (model === 'RefreshToken' && payload.grantId) issueRefreshToken(id, payload.grantId, payload, expiresIn || 1);
        else saveModel(model, id, payload, expiresIn);
      },
      async find(id) {
        if (model === 'RefreshToken') return findRefreshTokenChecked(id);
        const payload = read<ModelPayload>(modelKey(model, id));
        if (!payload || revoked(model, payload)) return undefined;
        return structuredClone(payload);
      },
      async findByUid(uid) {
        const id = read<string>(`uid:${uid}`);
        return id ? this.find(id) : undefined;
      },
      async findByUserCode(userCode) {
        const id = read<string>(`userCode:${userCode}`);
        return id ? this.find(id) : undefined;
      },
      async consume(id) {
        if (model === 'RefreshToken') return consumeRefreshToken(id);
        const payload = read<ModelPayload>(modelKey(model, id));
        if (!payload) throw alreadyConsumed(model);
        if (payload.consumed && consumableModels.has(model)) {
          if (payload.grantId) await revokeByGrantId(payload.grantId);
          throw alreadyConsumed(model);
        }
        payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        values.delete(model === 'RefreshToken' ? refreshTokenKey(id) : modelKey(model, id));
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
      const previous = read<string>(`value:${name}`);
      write(`value:${name}`, value, ttlSeconds);
      return previous;
    },
    async getValue(name) {
      return read<string>(`value:${name}`);
    },
    async pacePoll(name, { intervalSeconds, stepSeconds, toleranceMs, ttlSeconds }) {
      const now = Date.now();
      const previous = read<{ lastPollMs: number; intervalSeconds: number }>(`value:${name}`);
      const interval = previous?.intervalSeconds ?? intervalSeconds;
      const tooSoon = previous !== undefined && now - previous.lastPollMs < interval * 1000 - toleranceMs;
      write(`value:${name}`, { lastPollMs: now, intervalSeconds: tooSoon ? interval + stepSeconds : interval }, ttlSeconds);
      return tooSoon ? 'too-soon' : 'in-time';
    },
    async isGrantRevoked(grantId) {
      return isGrantRevoked(grantId);
    },
    async findRefreshToken(id) {
      return findRefreshToken(id);
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
