/**
 * Calls `gone` once the process that started this one has exited, seen as this process being
 * re-parented. Polled, and unref'd so that it never keeps the process alive by itself.
 */
export function watchParent(gone: () => void, intervalMs = 250): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    gone();
  }, intervalMs).unref();
  return () => clearInterval(timer);
}
