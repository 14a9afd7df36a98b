import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { cpuByThread, cpuTimeMs } from './processes.ts';

export const wrkDir = fileURLToPath(new URL('../wrk', import.meta.url));

/** One timed run against one server: what wrk saw plus what the server spent. */
export interface Measurement {
  server: string;
  connections: number;
  durationS: number;
  requests: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Responses that were not 2xx (counted by the Lua `response` hook). */
  non2xx: number;
  /** Connect, read, write and timeout errors: requests that got no response at all. */
  socketErrors: number;
  firstFailure: string;
  /** CPU milliseconds per 1,000 requests, per measured process (server, redis). */
  cpuMsPer1k: Record<string, number>;
  /** The server process's CPU per 1,000 requests by thread kind (main, v8, libuv, other). */
  serverThreadsMsPer1k: Record<string, number>;
  command: string;
}

export function checkWrk(): string {
  const found = spawnSync('wrk', ['--version']);
  if (found.error) {
    throw new Error('wrk is not installed. Install it with: apt-get install -y wrk (Debian/Ubuntu), brew install wrk (macOS)');
  }
  return (found.stdout.toString() + found.stderr.toString()).split('\n')[0]?.trim() ?? 'wrk';
}

export interface WrkRun {
  server: string;
  url: string;
  script: 'token.lua' | 'refresh.lua';
  connections: number;
  durationS: number;
  /** Values the Lua script reads (BENCH_BODY, BENCH_AUTHORIZATION, BENCH_SEEDS_FILE, ...). */
  env: Record<string, string>;
  /** Processes whose CPU time is charged to this run, by label. */
  cpu: Record<string, number>;
}

/** Runs wrk with one thread (-t1) and returns the parsed result. */
export async function runWrk(run: WrkRun): Promise<Measurement> {
  const args = ['-t1', `-c${run.connections}`, `-d${run.durationS}s`, '--latency', '--timeout', '10s', '-s', `${wrkDir}/${run.script}`, `${run.url}/token`];
  const serverPid = run.cpu.server as number;
  const before = Object.fromEntries(Object.entries(run.cpu).map(([label, pid]) => [label, cpuTimeMs(pid)]));
  const threadsBefore = cpuByThread(serverPid);
  const { stdout, code } = await execute('wrk', args, { ...process.env, BENCH_WRK_DIR: wrkDir, ...run.env });
  const after = Object.fromEntries(Object.entries(run.cpu).map(([label, pid]) => [label, cpuTimeMs(pid)]));
  const threadsAfter = cpuByThread(serverPid);

  const line = stdout.split('\n').find((text) => text.startsWith('BENCH_JSON '));
  if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}):\n${stdout}`);
  const raw = JSON.parse(line.slice('BENCH_JSON '.length)) as {
    requests: number;
    durationUs: number;
    non2xx: number;
    firstFailure: string;
    errors: Record<'connect' | 'read' | 'write' | 'status' | 'timeout', number>;
    latencyUs: Record<'p50' | 'p90' | 'p99' | 'max' | 'mean', number>;
  };
  const cpuMsPer1k: Record<string, number> = {};
  for (const label of Object.keys(run.cpu)) {
    cpuMsPer1k[label] = raw.requests > 0 ? round(((after[label] as number) - (before[label] as number)) / (raw.requests / 1000), 1) : 0;
  }
  const serverThreadsMsPer1k: Record<string, number> = {};
  for (const [kind, ms] of Object.entries(threadsAfter)) {
    if (raw.requests > 0) serverThreadsMsPer1k[kind] = round((ms - (threadsBefore[kind] ?? 0)) / (raw.requests / 1000), 1);
  }
  return {
    server: run.server,
    connections: run.connections,
    durationS: run.durationS,
    requests: raw.requests,
    rps: round(raw.requests / (raw.durationUs / 1e6), 0),
    p50Ms: round(raw.latencyUs.p50 / 1000, 2),
    p90Ms: round(raw.latencyUs.p90 / 1000, 2),
    p99Ms: round(raw.latencyUs.p99 / 1000, 2),
    maxMs: round(raw.latencyUs.max / 1000, 2),
    non2xx: raw.non2xx,
    socketErrors: raw.errors.connect + raw.errors.read + raw.errors.write + raw.errors.timeout,
    firstFailure: raw.firstFailure,
    cpuMsPer1k,
    serverThreadsMsPer1k,
    command: `wrk ${args.join(' ').replace(wrkDir, 'bench/wrk')}`,
  };
}

function execute(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, code }));
  });
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
