import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './free-port.ts';
import { startRedis, waitForRedis } from './start-redis.ts';

export interface TestRedisSentinel {
  /** host:port of the sentinel, for TOLLGATE_REDIS_NODES. */
  sentinels: string[];
  masterName: string;
  stop(): Promise<void>;
}

/** A real Redis master watched by one real Sentinel, on free loopback ports. */
export async function startRedisSentinel(masterName = 'tollgate-test'): Promise<TestRedisSentinel> {
  const master = await startRedis();
  const dir = await mkdtemp(join(tmpdir(), 'tollgate-sentinel-'));
  const port = await freePort();
  // Sentinel rewrites its config file, so it gets a writable one of its own.
  const configFile = join(dir, 'sentinel.conf');
  await writeFile(configFile, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor ${masterName} 127.0.0.1 ${master.port} 1`, ''].join('\n'));
  const child: ChildProcess = spawn('redis-server', [configFile, '--sentinel', '--loglevel', 'warning'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  async function stop() {
    if (child.exitCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
    await master.stop();
    await rm(dir, { recursive: true, force: true });
  }

  try {
    await waitForRedis(port, undefined, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { sentinels: [`127.0.0.1:${port}`], masterName, stop };
}
