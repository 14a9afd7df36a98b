/** How often and how patiently a helper retries a transient failure. */
export interface RetryOptions {
  /** Total attempts, the first included. Default 4. */
  attempts?: number;
  /** Upper bound of the first retry's delay, doubled each retry. Default 200 ms. */
  baseDelayMs?: number;
  /** No delay is longer than this, Retry-After included. Default 5000 ms. */
  maxDelayMs?: number;
}

const defaultRetry: Required<RetryOptions> = { attempts: 4, baseDelayMs: 200, maxDelayMs: 5000 };

export function resolveRetry(options: RetryOptions | undefined): Required<RetryOptions> {
  const retry = { ...defaultRetry, ...options };
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) throw new TypeError('retry.attempts must be a positive integer');
  if (!(retry.baseDelayMs >= 0) || !(retry.maxDelayMs >= 0)) throw new TypeError('retry delays must be non-negative');
  return retry;
}

/** 5xx and 429 say "not now"; every other status is an answer. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

/**
 * Exponential backoff with full jitter: a random delay up to base·2^retry (capped), so many
 * clients failing together do not retry together. A server's Retry-After (RFC 9110 §10.2.3,
 * in seconds) wins when it is longer, still capped.
 */
export function retryDelayMs(retry: number, options: Required<RetryOptions>, retryAfterHeader?: string | null): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  const jittered = Math.random() * ceiling;
  const retryAfter = retryAfterHeader && /^\d+$/.test(retryAfterHeader.trim()) ? Number(retryAfterHeader) * 1000 : 0;
  return Math.min(options.maxDelayMs, Math.max(jittered, retryAfter));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
