import type { Collection, ModelAdapter, RateLimiterOptions, Storage } from '../storage/storage.ts';
import { StorageUnavailableError } from '../storage/storage-unavailable.ts';
import type { Metrics, StorageLabels } from './metrics.ts';

type AsyncMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * Wraps any Storage so every operation's latency is observed, labelled by operation and model
 * or collection, and outages are counted; the storages themselves know nothing of metrics.
 * Methods added to Storage later pass through unmeasured until they are listed here.
 */
export function measureStorage(storage: Storage, metrics: Metrics): Storage {
  const top = {
    swapValue: storage.swapValue,
    getValue: storage.getValue,
    replaceValue: storage.replaceValue,
    deleteValue: storage.deleteValue,
    pacePoll: storage.pacePoll,
    isGrantRevoked: storage.isGrantRevoked,
    grantStands: storage.grantStands,
    findRefreshToken: storage.findRefreshToken,
    rotateRefreshToken: storage.rotateRefreshToken,
    annulRefreshTokenRotation: storage.annulRefreshTokenRotation,
    ping: storage.ping,
  };
  measure(metrics, 'value', top, ['swapValue', 'getValue', 'replaceValue', 'deleteValue', 'pacePoll', 'isGrantRevoked', 'grantStands'], storage);
  measure(metrics, 'RefreshToken', top, ['findRefreshToken', 'rotateRefreshToken', 'annulRefreshTokenRotation'], storage);
  measure(metrics, 'server', top, ['ping'], storage);

  return {
    ...storage,
    ...top,
    modelAdapter: (model: string): ModelAdapter =>
      measure(metrics, model, storage.modelAdapter(model), ['upsert', 'find', 'findByUid', 'findByUserCode', 'consume', 'destroy', 'revokeByGrantId']),
    collection: <T>(name: string): Collection<T> =>
      measure(metrics, `collection:${name}`, storage.collection<T>(name), ['get', 'list', 'put', 'insert', 'delete']),
    rateLimiter: (options: RateLimiterOptions) =>
      measure(metrics, `rate-limit:${options.name}`, storage.rateLimiter(options), ['consume', 'get', 'delete', 'penalty', 'reward']),
  };
}

/**
 * Replaces the listed methods of a freshly made object (an adapter, a collection, a rate
 * limiter) by timed ones that call the original with its own `this` (or `self`).
 */
function measure<T extends object>(metrics: Metrics, target: string, object: T, operations: readonly (keyof T & string)[], self: object = object): T {
  const methods = object as unknown as Record<string, AsyncMethod>;
  for (const operation of operations) {
    const original = methods[operation];
    if (typeof original !== 'function') continue;
    const labels: StorageLabels = Object.freeze({ operation, target });
    methods[operation] = async function measuredOperation(...args: unknown[]) {
      const started = performance.now();
      try {
        return await original.apply(self, args);
      } catch (error) {
        if (error instanceof StorageUnavailableError) metrics.storageUnavailable(labels);
        throw error;
      } finally {
        metrics.storageOperation(labels, (performance.now() - started) / 1000);
      }
    };
  }
  return object;
}
