// Ids come from requests: the bound keeps them from growing the map without limit.
const maxEntries = 10_000;

/**
 * For records noted on every request but written rarely (when a credential was last used): a
 * write for `id` is due at most once per `intervalMs` in this process.
 */
export function createWriteThrottle(intervalMs: number) {
  const lastWritten = new Map<string, number>();
  return {
    /** True (and the interval starts again) when a write for `id` is due now. */
    due(id: string, now = Date.now()): boolean {
      if ((lastWritten.get(id) ?? Number.NEGATIVE_INFINITY) + intervalMs > now) return false;
      lastWritten.delete(id);
      lastWritten.set(id, now);
      if (lastWritten.size > maxEntries) lastWritten.delete(lastWritten.keys().next().value as string);
      return true;
    },
    forget: (id: string) => lastWritten.delete(id),
  };
}
