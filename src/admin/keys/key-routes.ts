import { z } from 'zod';

import { AppError } from '../../errors.ts';
import { jwksMaxAge } from '../../keys/jwks-response.ts';
import { nextTransitionAt } from '../../keys/key-lifecycle.ts';
import type { KeyManager } from '../../keys/key-manager.ts';
import { parsePrivateJwks } from '../../keys/signing-keys.ts';
import { signingAlgs } from '../../resources/resource-server-record.ts';
import { adminRoute, type AdminDeps } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { wholeListRoute } from '../list-route.ts';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

const keyView = z
  .object({
    kid: z.string(),
    alg: z.enum(signingAlgs),
    state: z.enum(['next', 'active', 'retired']),
    signing: z.boolean(),
    origin: z.enum(['generated', 'imported']),
    created: z.string(),
    activates: z.string().nullable(),
    retires: z.string().nullable(),
    removed: z.string().nullable(),
  })
  .strict();
const transitionView = z.object({ kind: z.string(), kid: z.string(), alg: z.string() }).strict();

function managerOf(deps: AdminDeps): KeyManager {
  if (!deps.keyManager)
    throw new AppError(
      'conflict',
      'signing keys come from a file (keys.source "file"): rotate them with the file steps (tollgate keys add|promote|retire --file)',
    );
  return deps.keyManager;
}

async function listKeys(manager: KeyManager) {
  const schedule = await manager.schedule();
  const now = Date.now();
  const set = manager.current();
  return set.keys.map((key) => {
    const next = set.keys.find((other) => other.alg === key.alg && other.state === 'next');
    const retires = key.state === 'active' ? (next?.activatesAt ?? key.activatesAt + schedule.periodMs) : key.retiredAt;
    return {
      kid: key.kid,
      alg: key.alg,
      state: key.state,
      signing: manager.ring.signing(key.alg, now)?.kid === key.kid,
      origin: key.origin,
      created: iso(key.createdAt) as string,
      activates: iso(key.activatesAt),
      retires: key.state === 'next' ? iso(key.activatesAt + schedule.periodMs) : iso(retires),
      removed: iso(key.removesAt ?? (retires === undefined ? undefined : retires + schedule.retentionMs)),
    };
  });
}

/** GET /admin/keys: every stored key with its state and dates (store mode). */
export const listKeysRoute = wholeListRoute({
  path: '/keys',
  summary: 'List the signing keys with state and dates (store mode)',
  key: 'keys',
  item: keyView,
  list: (_request, deps) => listKeys(managerOf(deps)),
});

/** GET /admin/keys/schedule: the rotation settings in force and the next transition. */
export const keyScheduleRoute = adminRoute({
  method: 'GET',
  path: '/keys/schedule',
  summary: 'Show the signing-key schedule: period, lead time, retention (computed), next transition',
  responses: {
    200: z
      .object({
        period_seconds: z.number(),
        publish_ahead_seconds: z.number(),
        retention_seconds: z.number(),
        jwks_max_age_seconds: z.number(),
        next_transition: z.string().nullable(),
        keys: z.array(keyView),
      })
      .strict(),
  },
  async handle(_input, deps) {
    const manager = managerOf(deps);
    const schedule = await manager.schedule();
    return {
      body: {
        period_seconds: schedule.periodMs / 1000,
        publish_ahead_seconds: schedule.leadMs / 1000,
        retention_seconds: schedule.retentionMs / 1000,
        jwks_max_age_seconds: jwksMaxAge(manager.settings),
        next_transition: iso(nextTransitionAt(manager.current(), schedule)),
        keys: await listKeys(manager),
      },
    };
  },
});

/** POST /admin/keys/rotate: brings the next rotation of an algorithm forward to the earliest safe moment. */
export const rotateKeysRoute = adminRoute({
  method: 'POST',
  path: '/keys/rotate',
  summary: 'Rotate now: the next key signs as soon as it has been published for the lead time',
  body: z
    .object({ alg: z.enum(signingAlgs).default('ES256') })
    .strict()
    .default({ alg: 'ES256' }),
  responses: { 200: z.object({ alg: z.string(), activates: z.string(), transitions: z.array(transitionView) }).strict() },
  async handle({ body, caller }, deps) {
    const { activatesAt, transitions } = await managerOf(deps).rotate(body.alg);
    audit(deps, caller, 'keys.rotate', { alg: body.alg, activates: iso(activatesAt) });
    return { body: { alg: body.alg, activates: iso(activatesAt) as string, transitions } };
  },
});

/** POST /admin/keys/:kid/revoke: emergency; the key leaves the JWKS at once. */
export const revokeKeyRoute = adminRoute({
  method: 'POST',
  path: '/keys/:kid/revoke',
  summary: 'Revoke a signing key now: it leaves the JWKS, another key signs everywhere within seconds',
  responses: { 200: z.object({ revoked: z.string(), transitions: z.array(transitionView), note: z.string() }).strict() },
  async handle({ params, caller }, deps) {
    const kid = params.kid as string;
    const transitions = await managerOf(deps).revoke(kid);
    audit(deps, caller, 'keys.revoke', { kid });
    return {
      body: {
        revoked: kid,
        transitions,
        note: 'tokens it signed stop verifying wherever the JWKS is refetched (verifiers that refetch on an unknown kid do so at once); a verifier caching the JWKS by time accepts them until its copy expires (Cache-Control max-age).',
      },
    };
  },
});

/** POST /admin/keys/import: a file-mode private JWKS into the store, so tokens it signed keep verifying. */
export const importKeysRoute = adminRoute({
  method: 'POST',
  path: '/keys/import',
  summary: 'Import a private JWKS (file mode) into the store; its signing key stays active unless the store has one',
  body: z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) }).strict(),
  responses: { 200: z.object({ transitions: z.array(transitionView) }).strict() },
  async handle({ body, caller }, deps) {
    let keys;
    try {
      keys = parsePrivateJwks(JSON.stringify(body), 'keys');
    } catch (error) {
      throw new AppError('invalid_keys', (error as Error).message);
    }
    const transitions = await managerOf(deps).importJwks(keys);
    audit(deps, caller, 'keys.import', { kids: keys.map((key) => key.kid) });
    return { body: { transitions } };
  },
});
