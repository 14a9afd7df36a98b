import { randomBytes } from 'node:crypto';

import { valueNames } from '../storage/storage-names.ts';
import type { Storage } from '../storage/storage.ts';

/** A signed-in maintainer on the token pages. `id` is the cookie's value: the only copy of it. */
export interface PageSession {
  id: string;
  accountId: string;
  startedAt: number;
}

interface StoredSession {
  accountId: string;
  startedAt: number;
}

export interface PageSessionTimeouts {
  idleSeconds: number;
  absoluteSeconds: number;
}

const idPattern = /^[A-Za-z0-9_-]{43}$/;
const ended = 'ended';

/**
 * Sessions of the maintainers' token pages, in storage (every process sees them) under the
 * SHA-256 of their id, so a dump holds nothing that signs anyone in. Two values each: the
 * session, written once with the absolute timeout as its TTL, and a "seen" mark whose TTL is
 * the idle timeout, written again by every request. A request never rewrites the session
 * itself, so one still in flight when the person signs out cannot bring it back.
 */
export function createPageSessions(storage: Storage, timeouts: PageSessionTimeouts, now = Date.now) {
  return {
    /** A new session (a new id at every sign-in: none is ever carried over). */
    async start(accountId: string): Promise<PageSession> {
      const id = randomBytes(32).toString('base64url');
      const session: StoredSession = { accountId, startedAt: now() };
      await storage.swapValue(valueNames.pageSession(id), JSON.stringify(session), timeouts.absoluteSeconds);
      await storage.swapValue(valueNames.pageSessionSeen(id), '1', timeouts.idleSeconds);
      return { id, ...session };
    },

    /** The live session `id` names, its idle timeout restarted; undefined when unknown, ended or timed out. */
    async find(id: string | undefined): Promise<PageSession | undefined> {
      if (!id || !idPattern.test(id)) return undefined;
      const [text, seen] = await Promise.all([storage.getValue(valueNames.pageSession(id)), storage.getValue(valueNames.pageSessionSeen(id))]);
      const session = text && text !== ended && seen ? parse(text) : undefined;
      if (!session) return undefined;
      const left = session.startedAt + timeouts.absoluteSeconds * 1000 - now();
      if (left <= 0) return undefined;
      await storage.swapValue(valueNames.pageSessionSeen(id), '1', Math.max(1, Math.min(timeouts.idleSeconds, Math.ceil(left / 1000))));
      return { id, ...session };
    },

    /** Signs out: the session is unusable from now on, in every process. */
    async end(id: string): Promise<void> {
      if (!idPattern.test(id)) return;
      // Gone once this marker expires too: nothing can write a session under this id again.
      await storage.swapValue(valueNames.pageSession(id), ended, 1);
    },
  };
}

function parse(text: string): StoredSession | undefined {
  try {
    const value = JSON.parse(text) as Partial<StoredSession>;
    return typeof value.accountId === 'string' && typeof value.startedAt === 'number' ? { accountId: value.accountId, startedAt: value.startedAt } : undefined;
  } catch {
    return undefined;
  }
}

export type PageSessions = ReturnType<typeof createPageSessions>;
