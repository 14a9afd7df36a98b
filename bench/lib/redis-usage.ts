import type { Redis } from 'ioredis';

import { cpuTimeMs } from './processes.ts';
import type { RedisWireCounter, WireCounts } from './redis-wire-counter.ts';

/** What Redis and the wire say at one moment; two of them make the cost of what ran between. */
export interface UsageSnapshot {
  /** Calls per command name (INFO commandstats). */
  commands: Map<string, number>;
  wire: WireCounts;
  usedMemory: number;
  tollgateCpuMs: number;
  redisCpuMs: number;
}

export interface UsageDelta {
  commands: number;
  /** The commands, most called first, as `name×calls` per operation. */
  commandMix: string;
  roundTrips: number;
  bytesToRedis: number;
  bytesFromRedis: number;
  tollgateCpuUs: number;
  redisCpuUs: number;
  /** Growth of Redis's used_memory: what the operation leaves behind until its TTLs run out. */
  memoryBytes: number;
}

export async function snapshotUsage(admin: Redis, wire: RedisWireCounter, pids: { tollgate: number; redis: number }): Promise<UsageSnapshot> {
  const [stats, memory] = await Promise.all([admin.info('commandstats'), admin.info('memory')]);
  const commands = new Map<string, number>();
  for (const match of stats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) commands.set(match[1] as string, Number(match[2]));
  return {
    commands,
    wire: wire.counts(),
    usedMemory: Number(/^used_memory:(\d+)/m.exec(memory)?.[1] ?? 0),
    tollgateCpuMs: cpuTimeMs(pids.tollgate),
    redisCpuMs: cpuTimeMs(pids.redis),
  };
}

/**
 * Per operation, between two snapshots around `operations` operations. The admin connection's
 * own INFO calls are left out (they do not cross the counted wire either).
 */
export function usagePerOperation(before: UsageSnapshot, after: UsageSnapshot, operations: number): UsageDelta {
  const mix: Array<[string, number]> = [];
  for (const [name, calls] of after.commands) {
    if (name === 'info') continue;
    const delta = calls - (before.commands.get(name) ?? 0);
    if (delta > 0) mix.push([name, delta / operations]);
  }
  mix.sort((a, b) => b[1] - a[1]);
  return {
    commands: mix.reduce((sum, [, calls]) => sum + calls, 0),
    commandMix: mix.map(([name, calls]) => `${name}×${round(calls)}`).join(' '),
    roundTrips: (after.wire.roundTrips - before.wire.roundTrips) / operations,
    bytesToRedis: (after.wire.bytesToRedis - before.wire.bytesToRedis) / operations,
    bytesFromRedis: (after.wire.bytesFromRedis - before.wire.bytesFromRedis) / operations,
    tollgateCpuUs: ((after.tollgateCpuMs - before.tollgateCpuMs) * 1000) / operations,
    redisCpuUs: ((after.redisCpuMs - before.redisCpuMs) * 1000) / operations,
    memoryBytes: (after.usedMemory - before.usedMemory) / operations,
  };
}

export function round(value: number): string {
  if (value < 0) return `−${round(-value)}`;
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2).replace(/\.?0+$/, '') || '0';
}

export interface KeyKind {
  kind: string;
  keys: number;
  bytes: number;
  /** Shortest and longest TTL seen, seconds (-1: none). */
  ttl: [number, number];
}

/**
 * The keys that appeared since `known`, grouped by the shape of their names (ids and digests
 * replaced by `*`), with MEMORY USAGE and TTL: what one record of each kind holds in Redis.
 */
export async function newKeysByKind(admin: Redis, known: Set<string>): Promise<{ kinds: KeyKind[]; keys: Set<string> }> {
  const all = new Set<string>();
  const kinds = new Map<string, KeyKind>();
  let cursor = '0';
  do {
    const [next, batch] = await admin.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) all.add(key);
  } while (cursor !== '0');
  const fresh = [...all].filter((key) => !known.has(key));
  for (let start = 0; start < fresh.length; start += 500) {
    const slice = fresh.slice(start, start + 500);
    const pipeline = admin.pipeline();
    for (const key of slice) pipeline.memory('USAGE', key, 'SAMPLES', '0').ttl(key);
    const answers = (await pipeline.exec()) ?? [];
    slice.forEach((key, index) => {
      const bytes = Number(answers[index * 2]?.[1] ?? 0);
      const ttl = Number(answers[index * 2 + 1]?.[1] ?? -1);
      const kind = key.replace(/[A-Za-z0-9_-]{16,}/g, '*');
      const entry = kinds.get(kind) ?? { kind, keys: 0, bytes: 0, ttl: [ttl, ttl] as [number, number] };
      entry.keys += 1;
      entry.bytes += bytes;
      entry.ttl = [Math.min(entry.ttl[0], ttl), Math.max(entry.ttl[1], ttl)];
      kinds.set(kind, entry);
    });
  }
  return { kinds: [...kinds.values()].sort((a, b) => b.bytes - a.bytes), keys: all };
}
