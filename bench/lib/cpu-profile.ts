import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time by owner: a package under node_modules, `tollgate src/<file>`, node internals, GC, idle. */
  byOwner: Record<string, number>;
  /** Inclusive time of the functions in our own src/ files (each counted once per sample). */
  ownInclusive: Array<{ frame: string; ms: number }>;
  /** The hottest functions by self time. */
  topSelf: Array<{ frame: string; owner: string; ms: number }>;
}

/** Where a frame's code lives, at the granularity that says whose time it is. */
export function ownerOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'program (native, unattributed)';
    return `native ${functionName || '(anonymous)'}`;
  }
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:internal/')) return `node internal/${url.slice('node:internal/'.length).split('/')[0]?.replace(/\.js$/, '')}`;
  if (url.startsWith('node:')) return `node ${url.slice('node:'.length)}`;
  const src = url.indexOf('/src/');
  if (src >= 0) return `tollgate src/${url.slice(src + '/src/'.length)}`;
  const bench = url.indexOf('/bench/');
  if (bench >= 0) return `bench/${url.slice(bench + '/bench/'.length)}`;
  return url;
}

/**
 * Reads a `.cpuprofile` written by `node --cpu-prof` and adds up where the time went, counting
 * only samples inside `window` (CLOCK_MONOTONIC microseconds, the clock of both V8's profile
 * timestamps and `process.hrtime`), so start-up and shutdown stay out.
 */
export function summarizeProfile(file: string, window?: { fromUs: number; toUs: number }): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const byOwner: Record<string, number> = {};
  const self = new Map<string, { owner: string; ms: number }>();
  const inclusive = new Map<string, number>();
  let totalMs = 0;

  let timestamp = profile.startTime;
  profile.samples.forEach((id, index) => {
    timestamp += profile.timeDeltas[index] ?? 0;
    const ms = (profile.timeDeltas[index + 1] ?? profile.timeDeltas[index] ?? 0) / 1000;
    const node = byId.get(id);
    if (!node || (window && (timestamp < window.fromUs || timestamp > window.toUs))) return;
    totalMs += ms;
    const owner = ownerOf(node.callFrame.url, node.callFrame.functionName);
    byOwner[owner] = (byOwner[owner] ?? 0) + ms;
    const frame = frameName(node);
    const entry = self.get(frame) ?? { owner, ms: 0 };
    entry.ms += ms;
    self.set(frame, entry);

    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const stackNode = byId.get(current) as ProfileNode;
      if (!ownerOf(stackNode.callFrame.url, stackNode.callFrame.functionName).startsWith('tollgate src/')) continue;
      const name = frameName(stackNode);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
    }
  });

  return {
    totalMs,
    byOwner,
    ownInclusive: [...inclusive]
      .map(([frame, ms]) => ({ frame, ms }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 60),
    topSelf: [...self]
      .map(([frame, entry]) => ({ frame, owner: entry.owner, ms: entry.ms }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 30),
  };
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url
    ? url
        .replace(/^.*\/node_modules\//, '')
        .replace(/^.*\/(src|bench)\//, '$1/')
        .replace(/^file:\/\//, '')
    : '';
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}
