import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';

import { freePort } from '../../test/helpers/free-port.ts';

export interface BenchRedis {
  url: string;
  pid: number;
  version: string;
  stop(): Promise<void>;
}

/** A private redis-server on a free loopback port that keeps nothing on disk, like the tests'. */
export async function startBenchRedis(): Promise<BenchRedis> {
  const found = spawnSync('redis-server', ['--version']);
  if (found.error) throw new Error('redis-server is not on PATH: install it (Debian/Ubuntu: apt-get install -y redis-server)');
  const version = /v=(\S+)/.exec(found.stdout.toString())?.[1] ?? 'unknown';

  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited: ${output}`);
    if (Date.now() > deadline) throw new Error(`redis-server did not start on port ${port}: ${output}`);
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    const ok = await probe.connect().then(
      () => probe.ping().then(() => true),
      () => false,
    );
    probe.disconnect();
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid as number,
    version,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
