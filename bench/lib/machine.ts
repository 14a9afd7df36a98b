import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** What the numbers were measured on; nothing is pinned, so this is what a reader needs. */
export function describeMachine(extra: Record<string, string>): Record<string, string> {
  const cpuModel = os.cpus()[0]?.model ?? 'unknown';
  return {
    cpu: `${cpuModel} (${os.cpus().length} logical CPUs seen by Node)`,
    nproc: tryRun('nproc', []) ?? String(os.availableParallelism()),
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    os: osRelease(),
    node: process.version,
    loadAverageAtStart: loadAverage(),
    ...extra,
  };
}

/** 1, 5 and 15 minute load averages: anything near the core count means the machine was busy. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((load) => load.toFixed(2))
    .join(' ');
}

/**
 * True when other work kept the machine busy as the run began: the numbers then say little.
 * (The load at the end includes the bench's own servers and wrk, so it is only reported.)
 */
export function wasBusy(machine: Record<string, string>): boolean {
  return Number(machine.loadAverageAtStart?.split(' ')[0]) > os.availableParallelism() * 0.75;
}

function tryRun(command: string, args: string[]): string | undefined {
  try {
    return execFileSync(command, args, { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

function osRelease(): string {
  try {
    return /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
