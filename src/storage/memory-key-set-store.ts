import { EventEmitter } from 'node:events';

import type { KeySetStore } from './key-set-store.ts';

/** The key set of the in-process store: one process, so the lock only orders its own timers. */
export function createMemoryKeySetStore(): KeySetStore {
  const changes = new EventEmitter();
  let current: { version: number; document: string } | undefined;
  let lock: { fence: number; expiresAt: number } | undefined;
  let fences = 0;
  const holds = (fence: number) => lock !== undefined && lock.fence === fence && lock.expiresAt > Date.now();
  return {
    read: async () => current && { ...current },
    version: async () => current?.version ?? 0,
    async lock(ttlMs) {
      if (lock && lock.expiresAt > Date.now()) return undefined;
      fences += 1;
      lock = { fence: fences, expiresAt: Date.now() + ttlMs };
      return fences;
    },
    async write(fence, document) {
      if (!holds(fence)) return undefined;
      current = { version: (current?.version ?? 0) + 1, document };
      changes.emit('change');
      return current.version;
    },
    async unlock(fence) {
      if (holds(fence)) lock = undefined;
    },
    async watch(onChange) {
      changes.on('change', onChange);
      return async () => void changes.off('change', onChange);
    },
  };
}
