import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from './servers.ts';

/**
 * tollgate as of another git ref: its src/ and package.json extracted with git archive into
 * `directory` (nothing in the repository changes), with this checkout's node_modules. Returns
 * the root to start it from, with a trailing slash.
 */
export function extractCheckout(ref: string, directory: string): string {
  mkdirSync(directory, { recursive: true });
  const archive = execFileSync('git', ['-C', repoRoot, 'archive', '--format=tar', ref, 'src', 'package.json'], { maxBuffer: 256 * 2 ** 20 });
  execFileSync('tar', ['-x', '-C', directory], { input: archive });
  symlinkSync(join(repoRoot, 'node_modules'), join(directory, 'node_modules'));
  return `${directory}/`;
}

export function shortCommit(ref: string): string {
  return execFileSync('git', ['-C', repoRoot, 'rev-parse', '--short', ref]).toString().trim();
}
