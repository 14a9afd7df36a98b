import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

import { freePort } from './free-port.ts';

export interface TestRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL: an outage, not a shutdown). Data is gone with it. */
  kill(): Promise<void>;
  /** Starts a fresh server on the same port. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Spawns a real redis-server on a free loopback port, keeping nothing on disk. */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;

  async function start() {
    const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let output = '';
    proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForPort(port, proc, () => output);
  }

  async function kill() {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGKILL');
    await exited;
  }

  await start();
  return { url: `redis://127.0.0.1:${port}`, port, kill, start, stop: kill };
}

async function waitForPort(port: number, proc: ChildProcess, output: () => string) {
  const { Redis } = await import('ioredis');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited: ${output()}`);
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
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
