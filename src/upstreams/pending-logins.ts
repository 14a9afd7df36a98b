import { createHash, randomBytes } from 'node:crypto';

import type { Storage } from '../storage/storage.ts';
import type { TokenSealer } from './token-sealer.ts';

/** One upstream round trip in flight: which interaction it finishes and what its answer must match. */
export interface PendingLogin {
  upstream: string;
  /** The oidc-provider interaction the person started on our sign-in page. */
  uid: string;
  /** SHA-256 of the browser-binding cookie set when the round trip started. */
  binding: string;
  nonce: string;
  codeVerifier: string;
}

interface StoredLogin {
  upstream: string;
  uid: string;
  binding: string;
  /** nonce and PKCE verifier, sealed: nothing in storage is usable to finish someone's sign-in. */
  sealed: string;
}

export type TakenLogin = { login: PendingLogin } | { problem: 'unknown' | 'replayed' };

const used = 'used';
const digest = (value: string) => createHash('sha256').update(value).digest('base64url');
// The state is never stored, only its hash: the storage name of a pending login.
const nameOf = (state: string) => `upstream-login:${digest(state)}`;

/**
 * Pending upstream logins keyed by the hash of their `state`, single use: taking one swaps it
 * for a marker atomically, so a replayed callback is told apart from an unknown one.
 */
export function createPendingLogins(storage: Storage, sealer: TokenSealer, ttlSeconds: number) {
  return {
    /** Stores a new login and returns the `state` and browser-binding value that lead back to it. */
    async start(upstream: string, uid: string, secrets: { nonce: string; codeVerifier: string }): Promise<{ state: string; binding: string }> {
      const state = randomBytes(32).toString('base64url');
      const binding = randomBytes(32).toString('base64url');
      const stored: StoredLogin = { upstream, uid, binding: digest(binding), sealed: sealer.seal(JSON.stringify(secrets)) };
      await storage.swapValue(nameOf(state), JSON.stringify(stored), ttlSeconds);
      return { state, binding };
    },
    async take(state: string): Promise<TakenLogin> {
      if (state.length > 256) return { problem: 'unknown' };
      const previous = await storage.swapValue(nameOf(state), used, ttlSeconds);
      if (previous === used) return { problem: 'replayed' };
      if (!previous) return { problem: 'unknown' };
      const stored = JSON.parse(previous) as StoredLogin;
      const opened = sealer.open(stored.sealed);
      if (!opened) return { problem: 'unknown' };
      const secrets = JSON.parse(opened) as { nonce: string; codeVerifier: string };
      return { login: { upstream: stored.upstream, uid: stored.uid, binding: stored.binding, ...secrets } };
    },
    /** Whether the browser's binding cookie is the one this login was started with. */
    boundTo: (login: PendingLogin, cookie: string | undefined) => cookie !== undefined && digest(cookie) === login.binding,
  };
}

export type PendingLogins = ReturnType<typeof createPendingLogins>;
