import { createHash, randomBytes } from 'node:crypto';

import { valueNames } from '../storage/storage-names.ts';
import type { Storage } from '../storage/storage.ts';
import type { TokenSealer } from './token-sealer.ts';

/**
 * What a finished round trip signs the person in to: the oidc-provider interaction of a device
 * login (its uid), or one of tollgate's own pages (the maintainers' token pages, by path).
 */
export type LoginTarget = { uid: string } | { page: string };

/** One upstream round trip in flight: what it finishes and what its answer must match. */
export type PendingLogin = LoginTarget & {
  upstream: string;
  nonce: string;
  codeVerifier: string;
};

interface StoredLogin {
  upstream: string;
  uid?: string;
  page?: string;
  /** SHA-256 of the browser-binding cookie set when the round trip started. */
  binding: string;
  /** nonce and PKCE verifier, sealed: nothing in storage is usable to finish someone's sign-in. */
  sealed: string;
}

/**
 * `unknown`: never issued, expired, or unreadable; `replayed`: taken once already; `foreign`:
 * another upstream's, or started in another browser (it stays pending for the browser that did).
 */
export type TakenLogin = { login: PendingLogin } | { problem: 'unknown' | 'replayed' | 'foreign' };

/** Where a round trip was started: a device login's sign-in page, or one of tollgate's own pages. */
export type StartedOn = 'device' | 'page';
const statePrefixes: Record<StartedOn, string> = { device: 'd.', page: 'p.' };

/**
 * Where the round trip a `state` belongs to was started, read from the state alone, so that a
 * callback whose login is gone (expired, used already) can still offer the way back to it.
 * Not a secret and trusted for nothing else: a forged one only picks which of our pages is offered.
 */
export function startedOn(state: string): StartedOn | undefined {
  return (Object.keys(statePrefixes) as StartedOn[]).find((on) => state.startsWith(statePrefixes[on]));
}

const used = 'used';
const digest = (value: string) => createHash('sha256').update(value).digest('base64url');

/**
 * Pending upstream logins keyed by the hash of their `state`, single use. Taking one reads it
 * first, so a state tollgate never issued writes nothing and a callback from a browser without
 * the binding cookie leaves the real browser's login pending; then swaps it for a marker
 * atomically, so of two concurrent takes one wins and a replay is told apart from an unknown.
 */
export function createPendingLogins(storage: Storage, sealer: TokenSealer, ttlSeconds: number) {
  return {
    /** Stores a new login and returns the `state` and browser-binding value that lead back to it. */
    async start(upstream: string, target: LoginTarget, secrets: { nonce: string; codeVerifier: string }): Promise<{ state: string; binding: string }> {
      const state = `${statePrefixes['uid' in target ? 'device' : 'page']}${randomBytes(32).toString('base64url')}`;
      const binding = randomBytes(32).toString('base64url');
      const stored: StoredLogin = { upstream, ...target, binding: digest(binding), sealed: sealer.seal(JSON.stringify(secrets)) };
      await storage.swapValue(valueNames.upstreamLogin(state), JSON.stringify(stored), ttlSeconds);
      return { state, binding };
    },
    /** The login `state` leads to, for `upstream` and the browser holding `bindingCookie`. */
    async take(state: string, upstream: string, bindingCookie: string | undefined): Promise<TakenLogin> {
      if (state.length > 256) return { problem: 'unknown' };
      const name = valueNames.upstreamLogin(state);
      const current = await storage.getValue(name);
      if (current === used) return { problem: 'replayed' };
      const stored = current ? parse(current) : undefined;
      if (!stored) return { problem: 'unknown' };
      // Another upstream's state, or a state this browser never started (login CSRF, a pasted link).
      if (stored.upstream !== upstream || bindingCookie === undefined || digest(bindingCookie) !== stored.binding) return { problem: 'foreign' };
      // Only what was read just now is swapped away: a concurrent take of the same state gets the marker.
      const previous = await storage.swapValue(name, used, ttlSeconds);
      if (previous !== current) return { problem: previous === used ? 'replayed' : 'unknown' };
      const opened = sealer.open(stored.sealed);
      if (!opened) return { problem: 'unknown' };
      const secrets = JSON.parse(opened) as { nonce: string; codeVerifier: string };
      const target: LoginTarget = stored.uid !== undefined ? { uid: stored.uid } : { page: stored.page as string };
      return { login: { upstream: stored.upstream, ...target, ...secrets } };
    },
  };
}

function parse(value: string): StoredLogin | undefined {
  try {
    const stored = JSON.parse(value) as Partial<StoredLogin>;
    const target = typeof stored.uid === 'string' || typeof stored.page === 'string';
    return typeof stored.upstream === 'string' && target && typeof stored.binding === 'string' && typeof stored.sealed === 'string'
      ? (stored as StoredLogin)
      : undefined;
  } catch {
    return undefined;
  }
}

export type PendingLogins = ReturnType<typeof createPendingLogins>;
