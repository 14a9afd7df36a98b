import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { freePort } from './free-port.ts';
import { waitForRedis } from './start-redis.ts';

export interface TestRedisCluster {
  /** host:port of every master, for TOLLGATE_REDIS_NODES. */
  nodes: string[];
  stop(): Promise<void>;
}

/**
 * A real three-master Redis Cluster (no replicas) on free loopback ports, its node files in
 * a temporary directory. Cluster bus ports are chosen free too: with `--cluster-port` on
 * Redis 7+, else by picking a port whose port+10000 (the fixed bus port of Redis 6) is free.
 */
export async function startRedisCluster(size = 3): Promise<TestRedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'tollgate-cluster-'));
  const children: ChildProcess[] = [];
  const nodes: string[] = [];
  try {
    const ownBusPort = await supportsClusterPort();
    for (let index = 0; index < size; index += 1) {
      const [port, busPort] = ownBusPort ? [await freePort(), await freePort()] : await portWithBusPort();
      const args = ['--port', String(port), ...(ownBusPort ? ['--cluster-port', String(busPort)] : []), '--bind', '127.0.0.1', '--cluster-enabled', 'yes'];
      args.push('--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir, '--save', '', '--appendonly', 'no', '--loglevel', 'warning');
      const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await waitForRedis(port, undefined, child, () => output);
      nodes.push(`127.0.0.1:${port}`);
    }
    await promisify(execFile)('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 });
    await waitForClusterOk(nodes);
  } catch (error) {
    await stopAll(children, dir);
    throw error;
  }
  return { nodes, stop: () => stopAll(children, dir) };
}

async function waitForClusterOk(nodes: string[]) {
  const { Redis } = await import('ioredis');
  const deadline = Date.now() + 20_000;
  for (const node of nodes) {
    const [host, port] = node.split(':') as [string, string];
    const probe = new Redis({ host, port: Number(port), lazyConnect: true });
    try {
      for (;;) {
        const info = await probe.cluster('INFO');
        if (info.includes('cluster_state:ok')) break;
        if (Date.now() > deadline) throw new Error(`cluster not ok on ${node}: ${info}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      probe.disconnect();
    }
  }
}

async function stopAll(children: ChildProcess[], dir: string) {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }),
  );
  await rm(dir, { recursive: true, force: true });
}

async function supportsClusterPort(): Promise<boolean> {
  const { stdout } = await promisify(execFile)('redis-server', ['--version']);
  return Number(/v=(\d+)\./.exec(stdout)?.[1] ?? 0) >= 7;
}

async function portWithBusPort(): Promise<[number, number]> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && (await isFree(port + 10_000))) return [port, port + 10_000];
  }
  throw new Error('no free port with a free cluster bus port (port + 10000)');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
