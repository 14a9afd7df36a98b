import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';

export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  child: ChildProcess;
  /** Last lines the process wrote, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/**
 * Starts a Node server as a child process (the Node running the bench, so both servers get the
 * same runtime) and resolves once `readyPath` answers.
 */
export async function startNodeServer(options: {
  name: string;
  script: string;
  port: number;
  env: Record<string, string>;
  readyPath: string;
  nodeArgs?: string[];
  /** A command Node runs under (valgrind, for bench/instruction-count.ts); none by default. */
  launcher?: string[];
  readyTimeoutMs?: number;
}): Promise<ServerProcess> {
  const { name, script, port, env, readyPath, nodeArgs = [], launcher = [], readyTimeoutMs = 60_000 } = options;
  const [command = process.execPath, ...launcherArgs] = launcher;
  const args = [...launcherArgs, ...(launcher.length > 0 ? [process.execPath] : []), ...nodeArgs, script];
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited during start-up (code ${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer ${readyPath} within ${readyTimeoutMs / 1000} s:\n${output}`);
    }
    const status = await fetch(`${url}${readyPath}`).then(
      (response) => response.status,
      () => 0,
    );
    if (status > 0 && status < 500) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    name,
    url,
    pid: child.pid as number,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** User + system CPU time, in milliseconds, of a process and every process below it. */
export function cpuTimeMs(rootPid: number): number {
  const parents = new Map<number, number>();
  const times = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = readStat(Number(entry));
    if (!fields) continue;
    parents.set(Number(entry), Number(fields[1]));
    // Fields after the command name: [0] state, [1] ppid, ... [11] utime, [12] stime.
    times.set(Number(entry), Number(fields[11]) + Number(fields[12]));
  }
  let ticks = 0;
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    ticks += times.get(pid) ?? 0;
    for (const [child, parent] of parents) if (parent === pid) pending.push(child);
  }
  return (ticks * 1000) / clockTicks;
}

/**
 * CPU milliseconds of one process by kind of thread: Node's main thread (JavaScript), V8's
 * helpers (garbage collection, compilation), libuv's pool (crypto jobs such as WebCrypto
 * signing, file I/O), and the rest.
 */
export function cpuByThread(pid: number): Record<string, number> {
  const kinds: Record<string, number> = {};
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return kinds;
  }
  for (const tid of tasks) {
    const fields = readStat(Number(tid), `/proc/${pid}/task/${tid}/stat`);
    if (!fields) continue;
    let comm: string;
    try {
      comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    const name = Number(tid) === pid ? 'main' : comm.startsWith('V8') ? 'v8' : comm.startsWith('libuv') ? 'libuv' : 'other';
    kinds[name] = (kinds[name] ?? 0) + ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  }
  return kinds;
}

function readStat(pid: number, path = `/proc/${pid}/stat`): string[] | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    // The command name is in parentheses and may contain spaces; fields start after it.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}
