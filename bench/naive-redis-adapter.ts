import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Redis } from 'ioredis';

const grantable = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'ClientCredentials', 'BackchannelAuthenticationRequest']);

/**
 * The simplest Redis adapter one writes for oidc-provider: a JSON string per model instance, a
 * list per grant, and a read-modify-write `consume` (not atomic: two concurrent redemptions can
 * both succeed; tollgate's adapter closes that gap). The refresh baseline runs on it so that
 * the comparison with tollgate is Redis against Redis.
 */
export function naiveRedisAdapter(redis: Redis, prefix: string): new (model: string) => Adapter {
  return class NaiveRedisAdapter implements Adapter {
    readonly model: string;

    constructor(model: string) {
      this.model = model;
    }

    key(id: string) {
      return `${prefix}${this.model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
      const key = this.key(id);
      const writes = redis.multi();
      if (expiresIn) writes.set(key, JSON.stringify(payload), 'EX', expiresIn);
      else writes.set(key, JSON.stringify(payload));
      if (grantable.has(this.model) && payload.grantId) {
        const grantKey = `${prefix}grant:${payload.grantId}`;
        writes.rpush(grantKey, key);
        if (expiresIn) writes.expire(grantKey, expiresIn);
      }
      if (payload.userCode) writes.set(`${prefix}userCode:${payload.userCode}`, id, 'EX', expiresIn);
      if (payload.uid) writes.set(`${prefix}uid:${payload.uid}`, id, 'EX', expiresIn);
      await writes.exec();
    }

    async find(id: string) {
      const data = await redis.get(this.key(id));
      return data ? (JSON.parse(data) as AdapterPayload) : undefined;
    }

    async findByUid(uid: string) {
      const id = await redis.get(`${prefix}uid:${uid}`);
      return id ? this.find(id) : undefined;
    }

    async findByUserCode(userCode: string) {
      const id = await redis.get(`${prefix}userCode:${userCode}`);
      return id ? this.find(id) : undefined;
    }

    async consume(id: string) {
      const payload = await this.find(id);
      if (!payload) return;
      payload.consumed = Math.floor(Date.now() / 1000);
      await redis.set(this.key(id), JSON.stringify(payload), 'KEEPTTL');
    }

    async destroy(id: string) {
      await redis.del(this.key(id));
    }

    async revokeByGrantId(grantId: string) {
      const grantKey = `${prefix}grant:${grantId}`;
      const keys = await redis.lrange(grantKey, 0, -1);
      await redis.del(...keys, grantKey);
    }
  };
}
