import { readFileSync } from 'node:fs';

/**
 * Calls `gone` once the process that started this one has exited, seen as this process being
 * re-parented. Polled, and unref'd so that it never keeps the process alive by itself.
 *
 * When the parent is a shell (`npm exec` and `npx` run the command through `sh -c`, which dash
 * does not replace by an exec), the shell's own parent is watched too: npm can exit on SIGTERM
 * before it forwards the signal, which leaves the shell, and so this process's parent, alive.
 */
export function watchParent(gone: () => void, intervalMs = 250): () => void {
  const parent = process.ppid;
  const shellParent = isShell(parent) ? parentOf(parent) : undefined;
  const timer = setInterval(() => {
    if (process.ppid === parent && (shellParent === undefined || parentOf(parent) === shellParent)) return;
    clearInterval(timer);
    gone();
  }, intervalMs).unref();
  return () => clearInterval(timer);
}

// /proc is Linux's; elsewhere only the direct parent is watched.
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces; the parent pid is the 2nd field after it.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function isShell(pid: number): boolean {
  try {
    return /^(sh|dash|bash|zsh|ash)$/.test(readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
  } catch {
    return false;
  }
}
