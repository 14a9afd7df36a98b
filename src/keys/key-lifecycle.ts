import type { SigningAlg } from '../resources/resource-server-record.ts';
import type { KeySetDocument, StoredKey } from './key-set-document.ts';

export interface KeySchedule {
  /** How long a key signs before the next one takes over. */
  periodMs: number;
  /** How long the next key is published before it signs (at least the JWKS cache period). */
  leadMs: number;
  /** How long a retired key stays published: already at least the longest token lifetime plus skew. */
  retentionMs: number;
}

export type TransitionKind = 'created' | 'activated' | 'retired' | 'removed' | 'revoked';

export interface Transition {
  kind: TransitionKind;
  kid: string;
  alg: SigningAlg;
}

export type NewKey = (alg: SigningAlg, state: 'next' | 'active', activatesAt: number) => Promise<StoredKey>;

/**
 * Brings the key set up to `now` for each algorithm: retired keys past their time are removed,
 * a next key whose moment has come becomes active (the active one retires), an algorithm
 * without an active key gets one, and the next key is created one lead time before it is due.
 * Idempotent: run again at the same `now`, it changes nothing, so whichever instance holds the
 * lock after a crash completes what the crashed one started.
 */
export async function advanceKeySet(
  set: KeySetDocument,
  algs: readonly SigningAlg[],
  schedule: KeySchedule,
  now: number,
  newKey: NewKey,
): Promise<{ set: KeySetDocument; transitions: Transition[] }> {
  const transitions: Transition[] = [];
  let keys = set.keys.filter((key) => {
    const gone = key.state === 'retired' && (key.removesAt ?? 0) <= now;
    if (gone) transitions.push({ kind: 'removed', kid: key.kid, alg: key.alg });
    return !gone;
  });
  const managed = [...new Set([...algs, ...keys.map((key) => key.alg)])];
  for (const alg of managed) {
    let active = keys.find((key) => key.alg === alg && key.state === 'active');
    let next = keys.find((key) => key.alg === alg && key.state === 'next');
    if (next && (!active || next.activatesAt <= now)) {
      if (active) {
        keys = replace(keys, active, { ...active, state: 'retired', retiredAt: now, removesAt: now + schedule.retentionMs });
        transitions.push({ kind: 'retired', kid: active.kid, alg });
      }
      active = { ...next, state: 'active', activatesAt: Math.min(next.activatesAt, now) };
      keys = replace(keys, next, active);
      transitions.push({ kind: 'activated', kid: active.kid, alg });
      next = undefined;
    }
    if (!active) {
      active = await newKey(alg, 'active', now);
      keys = [...keys, active];
      transitions.push({ kind: 'created', kid: active.kid, alg }, { kind: 'activated', kid: active.kid, alg });
    }
    const due = active.activatesAt + schedule.periodMs;
    if (!next && now >= due - schedule.leadMs) {
      next = await newKey(alg, 'next', Math.max(due, now + schedule.leadMs));
      keys = [...keys, next];
      transitions.push({ kind: 'created', kid: next.kid, alg });
    }
  }
  return { set: { ...set, keys }, transitions };
}

/**
 * Brings the next rotation of `alg` forward to the earliest moment that keeps the lead time:
 * now when the next key has been published that long, else when it will have been (a next key
 * is created now when there is none).
 */
export async function rotateNow(
  set: KeySetDocument,
  alg: SigningAlg,
  schedule: KeySchedule,
  now: number,
  newKey: NewKey,
): Promise<{ set: KeySetDocument; transitions: Transition[]; activatesAt: number }> {
  const next = set.keys.find((key) => key.alg === alg && key.state === 'next');
  if (!next) {
    const created = await newKey(alg, 'next', now + schedule.leadMs);
    return { set: { ...set, keys: [...set.keys, created] }, transitions: [{ kind: 'created', kid: created.kid, alg }], activatesAt: created.activatesAt };
  }
  const activatesAt = Math.max(now, next.createdAt + schedule.leadMs);
  return {
    set: { ...set, keys: replace(set.keys, next, { ...next, activatesAt: Math.min(activatesAt, next.activatesAt) }) },
    transitions: [],
    activatesAt: Math.min(activatesAt, next.activatesAt),
  };
}

/**
 * Emergency: the key leaves the set at once. If it was signing, the published next key takes
 * over now (it may have been published for less than the lead time: a verifier that caches by
 * time then refetches on its unknown kid), else a fresh key does.
 */
export async function revokeKey(
  set: KeySetDocument,
  kid: string,
  now: number,
  newKey: NewKey,
): Promise<{ set: KeySetDocument; transitions: Transition[] } | undefined> {
  const target = set.keys.find((key) => key.kid === kid);
  if (!target) return undefined;
  const transitions: Transition[] = [{ kind: 'revoked', kid, alg: target.alg }];
  let keys = set.keys.filter((key) => key !== target);
  // A next key already signing by time falls back to the active key it was replacing.
  if (target.state === 'active') {
    const next = keys.find((key) => key.alg === target.alg && key.state === 'next');
    if (next) {
      keys = replace(keys, next, { ...next, state: 'active', activatesAt: now });
      transitions.push({ kind: 'activated', kid: next.kid, alg: target.alg });
    } else {
      const fresh = await newKey(target.alg, 'active', now);
      keys = [...keys, fresh];
      transitions.push({ kind: 'created', kid: fresh.kid, alg: target.alg }, { kind: 'activated', kid: fresh.kid, alg: target.alg });
    }
  }
  const revoked = [{ kid, alg: target.alg, revokedAt: now }, ...set.revoked].slice(0, 20);
  return { set: { keys, revoked }, transitions };
}

/** When the next transition of the set is due (for the metric and `keys schedule`). */
export function nextTransitionAt(set: KeySetDocument, schedule: KeySchedule): number | undefined {
  const times = set.keys.flatMap((key) => {
    if (key.state === 'next') return [key.activatesAt];
    if (key.state === 'retired') return [key.removesAt ?? 0];
    const hasNext = set.keys.some((other) => other.alg === key.alg && other.state === 'next');
    return hasNext ? [] : [key.activatesAt + schedule.periodMs - schedule.leadMs];
  });
  return times.length > 0 ? Math.min(...times) : undefined;
}

function replace(keys: StoredKey[], old: StoredKey, replacement: StoredKey): StoredKey[] {
  return keys.map((key) => (key === old ? replacement : key));
}
