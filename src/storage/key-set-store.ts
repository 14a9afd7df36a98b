/**
 * Where store-mode signing keys live (keys/key-manager.ts): one document holding the whole key
 * set (private keys sealed, keys/key-encryption.ts), replaced whole, only by the holder of the
 * rotation lock. Each lock taken gets a fencing token from a counter that only grows; a write
 * names its token and is refused unless that token still holds the lock, so an instance that
 * paused past its lock's expiry cannot overwrite what the next holder wrote.
 */
export interface KeySetStore {
  /** The document and its version (1 for the first write), or undefined before any. */
  read(): Promise<{ version: number; document: string } | undefined>;
  /** The current version only (0 before any write): what the periodic check compares. */
  version(): Promise<number>;
  /** Takes the lock for `ttlMs` when free and returns its fencing token; undefined when held. */
  lock(ttlMs: number): Promise<number | undefined>;
  /** Replaces the document if `fence` still holds the lock; the new version, or undefined if refused. Tells every watcher. */
  write(fence: number, document: string): Promise<number | undefined>;
  /** Frees the lock if `fence` still holds it. */
  unlock(fence: number): Promise<void>;
  /** Calls `onChange` whenever any instance writes; resolves to a function that stops watching. */
  watch(onChange: () => void): Promise<() => Promise<void>>;
}
