import { createHash } from 'node:crypto';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

import type { Config } from '../config/schema.ts';
import { rateLimitNames } from '../storage/storage-names.ts';
import type { Storage } from '../storage/storage.ts';
import { StorageUnavailableError } from '../storage/storage-unavailable.ts';

export type AttemptKind = 'userCodePerIp' | 'passwordPerIp' | 'passwordPerAccount' | 'upstreamCallbackPerIp' | 'leakReportPerIp';
/** One attempt on a key, or `points` at once (a leak report counts each value it carries). */
export type Attempt = readonly [kind: AttemptKind, key: string, points?: number];

export interface AttemptLimits {
  /** Counts one attempt on each key; resolves to the longest wait when any is over its limit. */
  hit(attempts: readonly Attempt[]): Promise<{ retryAfterSeconds: number } | undefined>;
  /** Gives counted attempts back: a success does not count against anyone. */
  refund(attempts: readonly Attempt[]): Promise<void>;
}

/** A username as a counter key: bounded length, and no account names in storage keys. */
export const accountKey = (username: string) => createHash('sha256').update(username.normalize('NFKC').toLowerCase()).digest('base64url');

/**
 * RFC 8628 §5.1: user codes are short, so guessing them is throttled per IP; passwords are
 * throttled per IP and per account; upstream callbacks (forged `state` values) and leaked-token
 * reports per IP. Counters live in storage (Redis: every process shares them).
 */
export function createAttemptLimits(storage: Storage, limits: Config['rateLimit']): AttemptLimits {
  const limiter = (name: string, points: number) => storage.rateLimiter({ name, points, durationSeconds: limits.windowSeconds });
  const limiters: Record<AttemptKind, RateLimiterAbstract> = {
    userCodePerIp: limiter(rateLimitNames.userCodePerIp, limits.userCodePerIp),
    passwordPerIp: limiter(rateLimitNames.passwordPerIp, limits.passwordPerIp),
    passwordPerAccount: limiter(rateLimitNames.passwordPerAccount, limits.passwordPerAccount),
    upstreamCallbackPerIp: limiter(rateLimitNames.upstreamCallbackPerIp, limits.upstreamCallbackPerIp),
    leakReportPerIp: limiter(rateLimitNames.leakReportPerIp, limits.leakReportPerIp),
  };

  return {
    async hit(attempts) {
      const outcomes = await Promise.allSettled(attempts.map(([kind, key, points = 1]) => limiters[kind].consume(key, points)));
      let limitedForMs: number | undefined;
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') continue;
        if (!(outcome.reason instanceof RateLimiterRes)) throw new StorageUnavailableError(outcome.reason);
        limitedForMs = Math.max(limitedForMs ?? 0, outcome.reason.msBeforeNext);
      }
      return limitedForMs === undefined ? undefined : { retryAfterSeconds: Math.max(1, Math.ceil(limitedForMs / 1000)) };
    },
    async refund(attempts) {
      // Best effort: the attempt succeeded already, a lost refund only costs a point.
      await Promise.allSettled(attempts.map(([kind, key]) => limiters[kind].reward(key, 1)));
    },
  };
}
