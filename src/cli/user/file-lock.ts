import { open, readFile, stat, unlink } from 'node:fs/promises';

import { AppError } from '../../errors.ts';

const staleAfterMs = 60_000;

/**
 * Runs `work` holding an exclusive lock file (O_EXCL create), so two `tollgate token` in two
 * shells never redeem the same refresh token: the second waits, then finds the fresh tokens.
 * A lock left by a process that died (gone, or older than a minute) is broken.
 */
export async function withFileLock<T>(path: string, work: () => Promise<T>, waitMs = 30_000): Promise<T> {
  const deadline = Date.now() + waitMs;
  let delay = 20;
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (await isStale(path)) {
        await unlink(path).catch(() => {});
        continue;
      }
      if (Date.now() > deadline) throw new AppError('conflict', `another tollgate process holds ${path}; if none is running, delete it`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 250);
    }
  }
  try {
    return await work();
  } finally {
    await unlink(path).catch(() => {});
  }
}

async function isStale(path: string): Promise<boolean> {
  try {
    const [info, text] = await Promise.all([stat(path), readFile(path, 'utf8')]);
    if (Date.now() - info.mtimeMs > staleAfterMs) return true;
    const pid = Number(text.trim());
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
  } catch {
    return false;
  }
}
