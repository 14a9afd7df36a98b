import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './free-port.ts';

export interface TestRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL: an outage, not a shutdown). Data is gone with it unless `persist`. */
  kill(): Promise<void>;
  /** Starts the server again on the same port (and, with `persist`, the same data). */
  start(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open and nothing answers. */
  pause(): void;
  /** Thaws a paused server (SIGCONT). */
  resume(): void;
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /**
   * Keep data on disk across kill() + start(): an append-only file fsynced on every write
   * (`--appendonly yes --appendfsync always`) in a temporary directory removed by stop().
   */
  persist?: boolean;
  /** Require this password (`--requirepass`); the url carries it. */
  password?: string;
}

/** Spawns a real redis-server on a free loopback port; keeps nothing on disk unless `persist`. */
export async function startRedis(options: StartRedisOptions = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = options.persist ? await mkdtemp(join(tmpdir(), 'tollgate-redis-')) : undefined;
  let child: ChildProcess | undefined;

  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--loglevel', 'warning'];
  args.push(...(dir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir] : ['--appendonly', 'no']));
  if (options.password) args.push('--requirepass', options.password);

  async function start() {
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForRedis(port, options.password, proc, () => output);
  }

  async function kill() {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGKILL');
    await exited;
  }

  const signal = (name: NodeJS.Signals) => () => {
    child?.kill(name);
  };

  async function stop() {
    await kill();
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  await start();
  const credentials = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return { url: `redis://${credentials}127.0.0.1:${port}`, port, kill, start, pause: signal('SIGSTOP'), resume: signal('SIGCONT'), stop };
}

/** Resolves once a redis-server answers PING on `port`; fails if the process exits first. */
export async function waitForRedis(port: number, password: string | undefined, proc: ChildProcess, output: () => string) {
  const { Redis } = await import('ioredis');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited: ${output()}`);
    const probe = new Redis({ port, host: '127.0.0.1', password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return;
    } catch {
      probe.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`redis-server did not start on port ${port}: ${output()}`);
}
