import { ProviderRenderedError } from '../kernel/provider-internals.ts';

/**
 * Storage could not be reached. An OIDCProviderError so oidc-provider renders it itself, as
 * `503 temporarily_unavailable` (RFC 6749 §4.1.2.1 names the code); our own routes render
 * it the same way.
 */
export class StorageUnavailableError extends ProviderRenderedError {
  readonly code = 'storage_unavailable';

  constructor(cause?: unknown) {
    // The cause names a host and an errno: kept for logs, never sent.
    super(503, 'temporarily_unavailable', 'storage is temporarily unavailable, retry shortly', cause);
  }
}

/** Why a storage call was given up: it did not finish within the configured time. */
export class StorageDeadlineError extends Error {
  readonly code = 'storage_deadline';
  readonly deadlineMs: number;

  constructor(deadlineMs: number) {
    super(`storage did not answer within ${deadlineMs} ms`);
    this.deadlineMs = deadlineMs;
  }
}

/**
 * Settles as `command` does, or rejects with StorageDeadlineError once `deadlineMs` have passed
 * since it was issued (0: never). ioredis times a command from when it is written, and
 * auto-pipelining writes a command only after the pipeline before it has answered or timed
 * out: with a frozen Redis a command waited up to twice its timeout. This deadline starts when
 * the command is issued; the command itself still times out in ioredis.
 */
export function withDeadline<T>(command: Promise<T>, deadlineMs: number): Promise<T> {
  if (!deadlineMs) return command;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new StorageDeadlineError(deadlineMs)), deadlineMs);
  });
  return Promise.race([command, deadline]).finally(() => clearTimeout(timer));
}

/** Runs a storage call, turning connection failures and missed deadlines into StorageUnavailableError. */
export async function guardStorage<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof StorageUnavailableError || !(error instanceof StorageDeadlineError || isConnectionError(error))) throw error;
    throw new StorageUnavailableError(error);
  }
}

// ioredis reports an unreachable server through plain Errors; replies that mean "not now"
// (a loading replica, a cluster mid-failover) are transient too.
const transient =
  /Stream isn't writeable|Cluster isn't ready|Connection is closed|Command aborted due to connection close|timed out|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|max retries|MaxRetriesPerRequest|Failed to refresh slots|None of the sentinels|All sentinels are unreachable|CLUSTERDOWN|LOADING|MASTERDOWN|READONLY|TRYAGAIN/i;

function isConnectionError(error: unknown): boolean {
  return error instanceof Error && (transient.test(error.message) || transient.test(error.name));
}
