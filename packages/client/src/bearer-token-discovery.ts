import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What {@link findBearerToken} found, or where it looked. */
export type BearerTokenDiscovery = { found: true; token: string; source: string } | { found: false; searched: string[]; problem?: string };

/** Options of {@link findBearerToken}. */
export interface FindBearerTokenOptions {
  /** The user id in the default file names. Default: this process's uid. */
  uid?: number;
  /** Directory of the last fallback. Default `/tmp`. */
  tmpDir?: string;
}

/**
 * Finds the bearer token a command-line tool should send, per the WLCG Bearer Token Discovery
 * convention, first match wins:
 * 1. `BEARER_TOKEN` holds the token;
 * 2. `BEARER_TOKEN_FILE` names a file holding it;
 * 3. `$XDG_RUNTIME_DIR/bt_u$UID`;
 * 4. `/tmp/bt_u$UID`.
 * Surrounding whitespace is trimmed and empty values skipped. A `BEARER_TOKEN_FILE` that cannot be
 * read ends the search (the user said where the token is; guessing elsewhere could pick up a
 * different identity), and a default-location file owned by another user is ignored (anyone
 * can create files in /tmp).
 *
 * @param env The environment to read, e.g. `process.env`.
 * @example
 * const found = findBearerToken(process.env);
 * if (!found.found) throw new Error(`no token: looked in ${found.searched.join(', ')}`);
 */
export function findBearerToken(env: Readonly<Record<string, string | undefined>>, options: FindBearerTokenOptions = {}): BearerTokenDiscovery {
  const searched: string[] = [];

  const inline = env.BEARER_TOKEN?.trim();
  searched.push('BEARER_TOKEN');
  if (inline) return { found: true, token: inline, source: 'BEARER_TOKEN' };

  const named = env.BEARER_TOKEN_FILE;
  if (named) {
    searched.push(named);
    let text: string;
    try {
      text = readFileSync(named, 'utf8');
    } catch (error) {
      return {
        found: false,
        searched,
        problem: `BEARER_TOKEN_FILE names ${named}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      };
    }
    const token = text.trim();
    if (token) return { found: true, token, source: named };
    return { found: false, searched, problem: `BEARER_TOKEN_FILE names ${named}, which is empty` };
  }

  const uid = options.uid ?? process.getuid?.();
  if (uid === undefined) return { found: false, searched, problem: 'no user id on this platform for the default token files' };
  const candidates = [...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, `bt_u${uid}`)] : []), join(options.tmpDir ?? '/tmp', `bt_u${uid}`)];
  for (const path of candidates) {
    searched.push(path);
    const token = readOwnFile(path, uid);
    if (token) return { found: true, token, source: path };
  }
  return { found: false, searched };
}

function readOwnFile(path: string, uid: number): string | undefined {
  try {
    const stats = statSync(path);
    if (!stats.isFile() || stats.uid !== uid) return undefined;
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
