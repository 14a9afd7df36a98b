import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface SpawnedMain {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far, interleaved as it arrived. */
  output(): string;
  stderr(): string;
  /** Resolves when the output matches, rejects if the process exits first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal that ended the process). */
  exited: Promise<number | NodeJS.Signals>;
}

/**
 * Runs `node src/main.ts` as an operator would, with this Node (24, the one ava runs on) and only
 * the given environment plus PATH (no config file unless the env names one).
 */
export function spawnMain(env: Record<string, string>): SpawnedMain {
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', TOLLGATE_CONFIG_FILE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let all = '';
  let errors = '';
  const listeners = new Set<() => void>();
  const onData = (isError: boolean) => (chunk: Buffer) => {
    all += chunk.toString();
    if (isError) errors += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData(false));
  child.stderr?.on('data', onData(true));
  // 'close', not 'exit': by then both output streams are drained.
  const exited = once(child, 'close').then(([code, signal]) => (code ?? signal) as number | NodeJS.Signals);

  function waitFor(pattern: RegExp, timeoutMs = 20_000) {
    return new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = all.match(pattern);
        if (!match) return;
        done();
        resolve(match);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${all}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      exited.then((code) => {
        if (!listeners.has(check)) return;
        done();
        reject(new Error(`exited (${code}) before ${pattern}; output:\n${all}`));
      }, reject);
      check();
    });
  }

  return { child, output: () => all, stderr: () => errors, waitFor, exited };
}
