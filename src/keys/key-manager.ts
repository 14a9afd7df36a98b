import { setTimeout as sleep } from 'node:timers/promises';
import type { JWK } from 'jose';

import type { Config } from '../config/schema.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import type { SigningAlg } from '../resources/resource-server-record.ts';
import type { SecurityEvents } from '../security/security-events.ts';
import type { KeySetStore } from '../storage/key-set-store.ts';
import { loadKeyEncryptionKey, openPrivateKey, sealPrivateKey } from './key-encryption.ts';
import { advanceKeySet, nextTransitionAt, revokeKey, rotateNow, type KeySchedule, type NewKey, type Transition, type TransitionKind } from './key-lifecycle.ts';
import { createKeyRing, publicJwkOf, ringKey, type KeyRing } from './key-ring.ts';
import { emptyKeySet, parseKeySet, type KeySetDocument } from './key-set-document.ts';
import { importKeys } from './key-import.ts';
import { algFor, generateSigningKey, loadSigningKeys } from './signing-keys.ts';

export interface KeyManagerDeps {
  config: Config;
  store: KeySetStore;
  resources: Pick<ResourceRegistry, 'list'>;
  logger: Logger;
  securityEvents: SecurityEvents;
  onTransition?: (kind: TransitionKind) => void;
}

export interface KeyManager {
  readonly ring: KeyRing;
  readonly settings: Config['keys'];
  /** The schedule in force now: the retention computed from today's resource servers. */
  schedule(): Promise<KeySchedule>;
  /** Reads the stored set (opening every private key: a wrong key-encryption key throws, having changed nothing), fills it in, then keeps it current. */
  start(): Promise<void>;
  /** The stored set as last read, without private keys. */
  current(): KeySetDocument;
  rotate(alg: SigningAlg): Promise<{ activatesAt: number; transitions: Transition[] }>;
  revoke(kid: string): Promise<Transition[]>;
  importJwks(keys: JWK[]): Promise<Transition[]>;
  close(): Promise<void>;
}

/**
 * Store-mode signing keys (SPEC §16): the key set in the storage, every change made by one
 * instance under the rotation lock, every instance following within a check interval, at once
 * when the change notification arrives.
 */
export function createKeyManager({ config, store, resources, logger, securityEvents, onTransition }: KeyManagerDeps): KeyManager {
  const settings = config.keys;
  const kek = loadKeyEncryptionKey(settings);
  const ring = createKeyRing();
  let document = emptyKeySet();
  let timer: NodeJS.Timeout | undefined;
  let unwatch: (() => Promise<void>) | undefined;
  let closed = false;

  const newKey: NewKey = async (alg, state, activatesAt) => {
    const jwk = await generateSigningKey(alg);
    const kid = jwk.kid as string;
    return {
      kid,
      alg,
      state,
      createdAt: Date.now(),
      activatesAt,
      origin: 'generated',
      publicJwk: publicJwkOf(jwk, alg),
      sealed: sealPrivateKey(kek, kid, jwk),
    };
  };

  async function schedule(): Promise<KeySchedule> {
    const servers = await resources.list();
    const longest = Math.max(config.ttl.accessToken, ...servers.map((server) => server.accessTokenTtl ?? 0));
    return {
      periodMs: settings.rotationPeriod * 1000,
      leadMs: settings.publishAhead * 1000,
      retentionMs: Math.max(settings.retention, longest + settings.clockSkew) * 1000,
    };
  }

  async function managedAlgs(): Promise<SigningAlg[]> {
    const servers = await resources.list();
    return [...new Set<SigningAlg>([...settings.algorithms, ...servers.map((server) => server.signingAlg)])];
  }

  /** Reads the stored set if it changed; every key is opened before any replaces the ring. */
  async function load(): Promise<void> {
    const stored = await store.read();
    if (!stored || stored.version === ring.version) return;
    const set = parseKeySet(stored.document);
    const keys = set.keys.map((key) => ringKey(key, openPrivateKey(kek, key.kid, key.sealed)));
    document = set;
    ring.replace(keys, stored.version);
  }

  type Change = (set: KeySetDocument, now: number) => Promise<{ set: KeySetDocument; transitions: Transition[] } | undefined>;

  /** Runs `change` on the freshest set under the lock; undefined when another instance holds it. */
  async function underLock(change: Change): Promise<Transition[] | undefined> {
    const fence = await store.lock(settings.lockTtlMs);
    if (fence === undefined) return undefined;
    try {
      await load();
      const result = await change(document, Date.now());
      if (!result || result.set === document) return [];
      // Testing only (keys.transitionDelayMs): a window in which to kill the lock's holder.
      if (settings.transitionDelayMs > 0) {
        logger.warn({ fence, delayMs: settings.transitionDelayMs }, 'signing-key transition waiting (keys.transitionDelayMs, testing only)');
        await sleep(settings.transitionDelayMs);
      }
      const version = await store.write(fence, JSON.stringify(result.set));
      if (version === undefined) throw new AppError('conflict', 'the rotation lock expired before the key set was written; nothing was changed');
      for (const transition of result.transitions) report(transition);
      await load();
      return result.transitions;
    } finally {
      await store.unlock(fence).catch(() => {});
    }
  }

  /** An operator's change: waits for the lock (a scheduled transition may hold it briefly). */
  async function whenLocked(change: Change): Promise<Transition[]> {
    const deadline = Date.now() + settings.lockTtlMs + 2000;
    for (;;) {
      const transitions = await underLock(change);
      if (transitions) return transitions;
      if (Date.now() > deadline) throw new AppError('temporarily_unavailable', 'another instance holds the rotation lock; try again');
      await sleep(100);
    }
  }

  function report(transition: Transition): void {
    onTransition?.(transition.kind);
    securityEvents.emit(`signing_key.${transition.kind}`, { kid: transition.kid, alg: transition.alg });
    if (transition.kind === 'revoked') {
      logger.error(
        { kid: transition.kid, alg: transition.alg },
        'SIGNING KEY REVOKED: it left the JWKS; tokens it signed stop verifying wherever the JWKS is refetched',
      );
    }
  }

  const advance: Change = async (set, now) => {
    const done = await advanceKeySet(set, await managedAlgs(), await schedule(), now, newKey);
    return done.transitions.length > 0 ? done : undefined;
  };

  async function due(): Promise<boolean> {
    const algs = await managedAlgs();
    if (algs.some((alg) => !document.keys.some((key) => key.alg === alg && key.state === 'active'))) return true;
    const at = nextTransitionAt(document, await schedule());
    return at !== undefined && at <= Date.now();
  }

  async function check(): Promise<void> {
    try {
      await load();
      if (await due()) await underLock(advance);
    } catch (error) {
      logger.warn({ err: error }, 'signing-key check failed; retrying at the next interval');
    }
  }

  return {
    ring,
    settings,
    schedule,
    current: () => document,
    async start() {
      await load();
      if (ring.version === 0 && (settings.jwks || settings.jwksFile)) {
        // Moving from file mode: the file's keys, so tokens already out keep verifying.
        const fileKeys = await loadSigningKeys({ ...settings, source: 'file' });
        await whenLocked(async (set, now) => (set.keys.length === 0 ? importKeys(set, fileKeys.jwks.keys, now, await schedule(), kek) : undefined));
      }
      while (await due()) {
        if (!(await underLock(advance))) await sleep(200);
        await load();
      }
      unwatch = await store.watch(() => void load().catch((error: unknown) => logger.warn({ err: error }, 'could not read the changed key set')));
      timer = setInterval(() => void check(), settings.checkIntervalMs);
      timer.unref();
      if (closed) await this.close();
    },
    async rotate(alg) {
      let activatesAt = 0;
      const transitions = await whenLocked(async (set, now) => {
        const done = await rotateNow(set, alg, await schedule(), now, newKey);
        activatesAt = done.activatesAt;
        return done;
      });
      return { activatesAt, transitions };
    },
    async revoke(kid) {
      if (!document.keys.some((key) => key.kid === kid)) await load();
      if (!document.keys.some((key) => key.kid === kid)) throw new AppError('not_found', `no signing key with kid "${kid}" in the store`);
      return whenLocked((set, now) => revokeKey(set, kid, now, newKey));
    },
    async importJwks(keys) {
      for (const jwk of keys) if (!algFor(jwk)) throw new AppError('invalid_keys', `key "${jwk.kid}" is not an EC P-256, RSA or OKP Ed25519 key`);
      return whenLocked(async (set, now) => importKeys(set, keys, now, await schedule(), kek));
    },
    async close() {
      closed = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await unwatch?.();
      unwatch = undefined;
    },
  };
}
