/**
 * Every Redis key tollgate writes is built here. Braces are Redis Cluster hash tags: a token,
 * its secondary indexes and its consume script address one key each, so nothing needs two
 * slots at once; a grant's index set is tagged with the grant id.
 */
export function createRedisKeys(prefix: string) {
  return {
    /** JSON payload of one oidc-provider model instance; TTL from expiresIn. */
    model: (model: string, id: string) => `${prefix}oidc:${model}:{${id}}`,
    /** Set of model keys issued under one grant; TTL follows its longest-lived member. */
    grant: (grantId: string) => `${prefix}grant:{${grantId}}`,
    /** Set of grant ids of one account or client; TTL follows its longest-lived grant. */
    principalGrants: (kind: string, id: string) => `${prefix}principal-grants:{${kind}:${id}}`,
    /** Session uid -> session id; same TTL as the session. */
    uid: (uid: string) => `${prefix}uid:{${uid}}`,
    /** Normalised user code -> device code id; same TTL as the device code. */
    userCode: (userCode: string) => `${prefix}user-code:{${userCode}}`,
    /** Hash of one collection (clients, accounts, ...): records live until deleted. */
    collection: (name: string) => `${prefix}${name}`,
    /** Short-lived scalar values (device polling state, last-used stamps), always with a TTL. */
    value: (name: string) => `${prefix}v:${name}`,
    /** Key prefix for rate-limit counters (rate-limiter-flexible adds its own suffix and TTL). */
    rateLimit: (name: string) => `${prefix}rl:${name}`,
  };
}

export type RedisKeys = ReturnType<typeof createRedisKeys>;
