import type { RedisClient } from './redis-connection.ts';

// Model instances are hashes: field `p` holds the (sealed) payload, `c` the consume stamp in
// seconds. Keeping `c` out of the payload lets consume be a plain HSETNX: exactly one of any
// number of concurrent callers sets it. Returns 1 = consumed now, 0 = already consumed,
// -1 = no such key (expired or revoked).
const consume = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
return redis.call('HSETNX', KEYS[1], 'c', ARGV[1])
`;

// The same for a key of the old format (plain JSON payload under the plain id), which only
// acts on a payload of that format: a digest copied from a new key's name and presented as an
// id names that new key in the old format, and must neither consume nor delete it.
const consumeLegacy = `
if string.sub(redis.call('HGET', KEYS[1], 'p') or '', 1, 1) ~= '{' then return -1 end
return redis.call('HSETNX', KEYS[1], 'c', ARGV[1])
`;
const deleteLegacy = `
if string.sub(redis.call('HGET', KEYS[1], 'p') or '', 1, 1) ~= '{' then return 0 end
return redis.call('DEL', KEYS[1])
`;

// Writes a model's payload with its TTL (0 = none) in one command.
const write = `
redis.call('HSET', KEYS[1], 'p', ARGV[1])
if ARGV[2] == '0' then redis.call('PERSIST', KEYS[1]) else redis.call('EXPIRE', KEYS[1], ARGV[2]) end
`;

// Adds a member to an index set (a grant's tokens, a principal's grants), which lives as long
// as its longest-lived member (NX: the first member sets the TTL, GT: a longer one extends it).
const indexSet = `
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2], 'NX')
redis.call('EXPIRE', KEYS[1], ARGV[2], 'GT')
`;

// A grant's refresh tokens are one hash, its chain (storage-names.ts): `cur` and `p` the name and
// sealed payload of its current token, `prev` and `q` those of that token's used predecessor,
// `t` when the predecessor was first used (Redis time, ms), `d` set once the answer carrying
// `cur` was sent (confirmRotation). A successor never sent was never issued: a retry of `prev`
// replaces it however late; one sent only within the reuse interval. Nothing is kept of older
// tokens: their ids name the chain (refresh-token-ids.ts), and any other token of it is reuse.

// Makes a token (ARGV[1], payload ARGV[2]) the current one of a new chain (KEYS[1]), or saves
// the payload of one the chain has; TTL ARGV[3].
const issueRefreshToken = `
local chain = redis.call('HMGET', KEYS[1], 'cur', 'prev')
if chain[1] == ARGV[1] then redis.call('HSET', KEYS[1], 'p', ARGV[2])
elseif chain[2] == ARGV[1] then redis.call('HSET', KEYS[1], 'q', ARGV[2])
else
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'cur', ARGV[1], 'p', ARGV[2])
end
redis.call('EXPIRE', KEYS[1], ARGV[3], 'GT')
redis.call('EXPIRE', KEYS[1], ARGV[3], 'NX')
`;

// A presented token (ARGV[1]) in its chain (KEYS[1]): {revoked (KEYS[2]), role, its sealed
// payload, t, the chain's PTTL}. Role: cur, prev, old (a chain without it), or none (no chain).
const findRefreshToken = `
if redis.call('EXISTS', KEYS[2]) == 1 then return {1} end
local chain = redis.call('HMGET', KEYS[1], 'cur', 'prev', 't')
local role = chain[1] == ARGV[1] and 'cur' or (chain[2] == ARGV[1] and 'prev' or 'old')
local payload = role ~= 'old' and redis.call('HGET', KEYS[1], role == 'cur' and 'p' or 'q')
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -2 then role = false end
return {0, role, payload, chain[3], ttl}
`;

// Refresh-token rotation, all of it in one script on the grant's slot, timed by Redis's clock.
// KEYS: the chain, the revoked-grant mark, the presented token's record of the older layout
// (oidc:RefreshToken:{grant}:name, fields p t c s x d: a token and its rotation as stored before
// the chain, read until such tokens expire). ARGV: the presented token's name, the successor's
// name and sealed payload, its TTL, the reuse interval in ms, 1 if the presented token's id is one
// the chain's ids are (refresh-token-ids.ts; any other is gone unless found above).
const rotateRefreshToken = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 'gone' end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local chain = redis.call('HMGET', KEYS[1], 'cur', 'prev', 't', 'd')
if chain[1] == ARGV[1] then
  local payload = redis.call('HGET', KEYS[1], 'p')
  redis.call('HSET', KEYS[1], 'prev', ARGV[1], 't', now)
  if payload then redis.call('HSET', KEYS[1], 'q', payload) else redis.call('HDEL', KEYS[1], 'q') end
elseif chain[2] == ARGV[1] then
  if not chain[1] or (chain[4] and now - tonumber(chain[3]) >= tonumber(ARGV[5])) then return 'reused' end
elseif redis.call('EXISTS', KEYS[3]) == 1 then
  if redis.call('HEXISTS', KEYS[3], 'x') == 1 then return 'reused' end
  local state = redis.call('HMGET', KEYS[3], 't', 'c', 's')
  local usedAt = tonumber(state[1]) or (state[2] and tonumber(state[2]) * 1000)
  if usedAt then
    local successor = state[3]
    if not successor or redis.call('EXISTS', successor) == 0 or redis.call('HEXISTS', successor, 'c') == 1
      or (redis.call('HEXISTS', successor, 'd') == 1 and now - usedAt >= tonumber(ARGV[5])) then return 'reused' end
    redis.call('HSET', successor, 'x', '1')
  else
    usedAt = now
    redis.call('HSET', KEYS[3], 't', now, 'c', math.floor(now / 1000))
  end
  -- Its payload stays in its own record, where a retry finds it.
  redis.call('HSET', KEYS[1], 'prev', ARGV[1], 't', usedAt)
  redis.call('HDEL', KEYS[1], 'q')
elseif ARGV[6] == '1' and redis.call('EXISTS', KEYS[1]) == 1 then return 'reused'
else return 'gone' end
redis.call('HSET', KEYS[1], 'cur', ARGV[2], 'p', ARGV[3])
redis.call('HDEL', KEYS[1], 'd')
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 'rotated'
`;

// A token (ARGV[1]) used without a successor (oidc-provider's consume): 1 = used now, 0 = it was
// not current (used before, or replaced), -1 = no chain.
const consumeRefreshToken = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'cur') ~= ARGV[1] then return 0 end
local time = redis.call('TIME')
redis.call('HSET', KEYS[1], 'prev', ARGV[1], 'q', redis.call('HGET', KEYS[1], 'p'), 't', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000))
redis.call('HDEL', KEYS[1], 'cur', 'p', 'd')
return 1
`;

// Undoes a rotation (ARGV[1] -> ARGV[2]) whose answer was never delivered, unless its
// successor was used or replaced since: the previous token is current again (KEYS[2]: its
// record of the older layout, whose use stamp goes too).
const annulRotation = `
local chain = redis.call('HMGET', KEYS[1], 'cur', 'prev', 'q')
if chain[1] ~= ARGV[2] or chain[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'cur', ARGV[1])
if chain[3] then redis.call('HSET', KEYS[1], 'p', chain[3]) else redis.call('HDEL', KEYS[1], 'p') end
redis.call('HDEL', KEYS[1], 'prev', 'q', 't', 'd')
redis.call('HDEL', KEYS[2], 't', 'c', 's')
return 1
`;

// Marks a successor (ARGV[2]) as sent to the client, if it is still its predecessor's (ARGV[1]).
const confirmRotation = `
local chain = redis.call('HMGET', KEYS[1], 'cur', 'prev')
if chain[1] ~= ARGV[2] or chain[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'd', '1')
return 1
`;

// Device polling (RFC 8628 §3.5): the value is "<last poll ms> <interval s>". ARGV: the
// announced interval, the slow_down step, the tolerance in ms, the TTL. Returns 1 when too soon.
const pacePoll = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local previous = redis.call('GET', KEYS[1])
local tooSoon = 0
if previous then
  local last, current = string.match(previous, '^(%d+) (%d+)$')
  interval = tonumber(current) or interval
  if last and now - tonumber(last) < interval * 1000 - tonumber(ARGV[3]) then
    tooSoon = 1
    interval = interval + tonumber(ARGV[2])
  end
end
redis.call('SET', KEYS[1], now .. ' ' .. interval, 'EX', ARGV[4])
return tooSoon
`;

// Compare-and-set of a value (Storage.replaceValue): ARGV expected, next value, TTL. Returns 1 when written.
const replaceValue = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
`;

export interface RedisScripts {
  consume(key: string, stamp: number): Promise<number>;
  consumeLegacy(key: string, stamp: number): Promise<number>;
  deleteLegacy(key: string): Promise<number>;
  write(key: string, payload: string, ttl: number): Promise<unknown>;
  indexSet(setKey: string, member: string, ttl: number): Promise<unknown>;
  issueRefreshToken(chain: string, name: string, payload: string, ttl: number): Promise<unknown>;
  findRefreshToken(chain: string, revokedMark: string, name: string): Promise<[1] | [0, 'cur' | 'prev' | 'old' | null, string | null, string | null, number]>;
  rotateRefreshToken(
    chain: string,
    revokedMark: string,
    olderRecord: string,
    name: string,
    successor: string,
    payload: string,
    ttl: number,
    reuseIntervalMs: number,
    minted: 0 | 1,
  ): Promise<'rotated' | 'reused' | 'gone'>;
  consumeRefreshToken(chain: string, name: string): Promise<number>;
  annulRotation(chain: string, olderRecord: string, previous: string, successor: string): Promise<number>;
  confirmRotation(chain: string, previous: string, successor: string): Promise<number>;
  pacePoll(key: string, intervalSeconds: number, stepSeconds: number, toleranceMs: number, ttlSeconds: number): Promise<number>;
  replaceValue(key: string, expected: string, value: string, ttlSeconds: number): Promise<number>;
}

const scripts = {
  consume: [1, consume],
  consumeLegacy: [1, consumeLegacy],
  deleteLegacy: [1, deleteLegacy],
  write: [1, write],
  indexSet: [1, indexSet],
  issueRefreshToken: [1, issueRefreshToken],
  findRefreshToken: [2, findRefreshToken],
  rotateRefreshToken: [3, rotateRefreshToken],
  consumeRefreshToken: [1, consumeRefreshToken],
  annulRotation: [2, annulRotation],
  confirmRotation: [1, confirmRotation],
  pacePoll: [1, pacePoll],
  replaceValue: [1, replaceValue],
} as const;

/**
 * Defines tollgate's scripts on the client. Call before any traffic: ioredis's auto-pipelines
 * only know the scripts defined when they were opened (see redis-connection.ts).
 */
export function defineRedisScripts(client: RedisClient): RedisScripts {
  const commands: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const [name, [numberOfKeys, lua]] of Object.entries(scripts)) {
    const command = `tollgate${name[0]?.toUpperCase()}${name.slice(1)}`;
    client.defineCommand(command, { numberOfKeys, lua });
    const method = (client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[command] as (...args: unknown[]) => Promise<unknown>;
    commands[name] = (...args) => method.apply(client, args);
  }
  return commands as unknown as RedisScripts;
}
