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

// Writes a refresh token (KEYS[1]) and indexes it under its grant (KEYS[2]): one slot, the grant's.
const issueRefreshToken = `
redis.call('HSET', KEYS[1], 'p', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], KEYS[1])
redis.call('EXPIRE', KEYS[2], ARGV[2], 'NX')
redis.call('EXPIRE', KEYS[2], ARGV[2], 'GT')
`;

// Refresh-token rotation, all of it in one script on the grant's slot, timed by Redis's clock.
// KEYS: previous token, successor, grant index, revoked-grant mark. ARGV: sealed successor
// payload, its TTL, the reuse interval in ms. A token's fields: `t` first use (ms), `c` the same
// in seconds (oidc-provider's `consumed`), `s` the key of its successor, `x` set once it was
// replaced by a retry of its predecessor (so presenting it is reuse), `d` set once the answer
// carrying it was sent (confirmRotation). A successor never sent was never issued: a retry of
// its predecessor replaces it however late it comes; one sent only within the reuse interval.
const rotateRefreshToken = `
if redis.call('EXISTS', KEYS[4]) == 1 or redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
if redis.call('HEXISTS', KEYS[1], 'x') == 1 then return 'reused' end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 't', 'c', 's')
local usedAt = tonumber(state[1]) or (state[2] and tonumber(state[2]) * 1000)
if usedAt then
  local successor = state[3]
  if not successor or redis.call('EXISTS', successor) == 0 or redis.call('HEXISTS', successor, 'c') == 1
    or (redis.call('HEXISTS', successor, 'd') == 1 and now - usedAt >= tonumber(ARGV[3])) then return 'reused' end
  redis.call('HSET', successor, 'x', '1')
else
  redis.call('HSET', KEYS[1], 't', now, 'c', math.floor(now / 1000))
end
redis.call('HSET', KEYS[1], 's', KEYS[2])
redis.call('HSET', KEYS[2], 'p', ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], KEYS[2])
redis.call('EXPIRE', KEYS[3], ARGV[2], 'NX')
redis.call('EXPIRE', KEYS[3], ARGV[2], 'GT')
return 'rotated'
`;

// Undoes a rotation (KEYS[1] -> KEYS[2]) whose answer was never delivered, unless the
// successor was used or replaced since.
const annulRotation = `
if redis.call('HGET', KEYS[1], 's') ~= KEYS[2] or redis.call('HEXISTS', KEYS[2], 'c') == 1 then return 0 end
redis.call('HDEL', KEYS[1], 't', 'c', 's')
redis.call('DEL', KEYS[2])
return 1
`;

// Marks a successor (KEYS[2]) as sent to the client, if it is still its predecessor's (KEYS[1]).
const confirmRotation = `
if redis.call('HGET', KEYS[1], 's') ~= KEYS[2] or redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('HSET', KEYS[2], 'd', '1')
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
  issueRefreshToken(key: string, grantIndex: string, payload: string, ttl: number): Promise<unknown>;
  rotateRefreshToken(previous: string, successor: string, grantIndex: string, revokedMark: string, payload: string, ttl: number, reuseIntervalMs: number): Promise<'rotated' | 'reused' | 'gone'>;
  annulRotation(previous: string, successor: string): Promise<number>;
  confirmRotation(previous: string, successor: string): Promise<number>;
  pacePoll(key: string, intervalSeconds: number, stepSeconds: number, toleranceMs: number, ttlSeconds: number): Promise<number>;
  replaceValue(key: string, expected: string, value: string, ttlSeconds: number): Promise<number>;
}

const scripts = { consume: [1, consume], consumeLegacy: [1, consumeLegacy], deleteLegacy: [1, deleteLegacy], write: [1, write], indexSet: [1, indexSet], issueRefreshToken: [2, issueRefreshToken], rotateRefreshToken: [4, rotateRefreshToken], annulRotation: [2, annulRotation], confirmRotation: [2, confirmRotation], pacePoll: [1, pacePoll], replaceValue: [1, replaceValue] } as const;

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
