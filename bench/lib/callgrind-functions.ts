import { readFileSync } from 'node:fs';

import { isCollectorOrCompiler } from './callgrind-dump.ts';
import { ownerOf } from './cpu-profile.ts';

/**
 * Names for the JIT-compiled JavaScript in a callgrind dump, where callgrind knows it only by an
 * address: V8's `--perf-basic-prof` map (`/tmp/perf-<pid>.map`, lines of hex start, hex size and
 * name) says which function's code holds it. Native functions keep their symbol.
 */
export function nameByPerfMap(costs: Map<string, number>, perfMap: string): Map<string, number> {
  const entries = perfMap
    .split('\n')
    .map((line) => /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, start = '', size = '', name = '']) => ({ start: Number.parseInt(start, 16), end: Number.parseInt(start, 16) + Number.parseInt(size, 16), name }));
  // Code the collector freed leaves its entry behind, and new code may take its place: the
  // last entry written for an address is the code that ran there last.
  const nameAt = (address: number) => entries.findLast((entry) => address >= entry.start && address < entry.end)?.name;
  const named = new Map<string, number>();
  for (const [name, cost] of costs) {
    // callgrind marks recursion depth with 'N after the name.
    const address = /^0x([0-9a-f]+)(?:'\d+)?$/.exec(name);
    const resolved = (address && nameAt(Number.parseInt(address[1] as string, 16))) || name.replace(/'\d+$/, '');
    named.set(resolved, (named.get(resolved) ?? 0) + cost);
  }
  return named;
}

/** The self cost of each named function of the given threads' dumps, V8's collector and compiler left out (see callgrind-dump.ts). */
export function requestFunctions(threads: readonly Map<string, number>[], perfMapFile: string | undefined): Map<string, number> {
  const costs = new Map<string, number>();
  for (const thread of threads) for (const [name, cost] of thread) costs.set(name, (costs.get(name) ?? 0) + cost);
  let perfMap = '';
  try {
    if (perfMapFile) perfMap = readFileSync(perfMapFile, 'utf8');
  } catch {
    // No map (the server was not run with --perf-basic-prof): addresses stay unnamed.
  }
  const named = nameByPerfMap(costs, perfMap);
  for (const name of named.keys()) if (isCollectorOrCompiler(name)) named.delete(name);
  return named;
}

/** Who a function belongs to: a package, a file of ours, Node's internals, V8's builtins, native code. */
export function functionOwner(name: string): string {
  const js = /^JS:[~^+*]?(.*?) (\S+?)(?::\d+:\d+)?$/.exec(name);
  if (js) return ownerOf(js[2] as string, js[1] as string);
  if (name.startsWith('Builtin:') || name.startsWith('BytecodeHandler:') || name.startsWith('Builtins_')) return 'V8 builtins';
  if (name.startsWith('JS:') || name.startsWith('Function:')) return 'JS (unnamed)';
  if (name.startsWith('0x')) return 'unnamed code';
  if (/^(v8::|Builtins|node::)/.test(name)) return name.split('::').slice(0, 2).join('::');
  return 'native';
}

export interface FunctionDifference {
  name: string;
  ours: number;
  reference: number;
}

/** The functions (or owners) whose instructions per token differ most between two dumps. */
export function largestDifferences(ours: Map<string, number>, reference: Map<string, number>, top: number): FunctionDifference[] {
  const names = new Set([...ours.keys(), ...reference.keys()]);
  return [...names]
    .map((name) => ({ name, ours: ours.get(name) ?? 0, reference: reference.get(name) ?? 0 }))
    .sort((a, b) => Math.abs(b.ours - b.reference) - Math.abs(a.ours - a.reference))
    .slice(0, top);
}

/** Sums costs by owner. */
export function byOwner(costs: Map<string, number>): Map<string, number> {
  const owners = new Map<string, number>();
  for (const [name, cost] of costs) {
    const owner = functionOwner(name);
    owners.set(owner, (owners.get(owner) ?? 0) + cost);
  }
  return owners;
}
