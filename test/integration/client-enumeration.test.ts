import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import test from 'ava';

import type { RunningServer } from '../../src/server.ts';
import { grantTypes } from '../../src/clients/client-record.ts';
import { observeClientModelBuilds } from '../../src/kernel/provider-internals.ts';
import { basicAuth, postForm, startTestServer } from '../helpers/start-server.ts';
import { createTestClient, unique } from '../helpers/test-principals.ts';

// Issue 11.6: an unknown client and a known one with a wrong secret answer alike and must cost
// alike. Asserted structurally (the same lookups and hash computations), not by timing.
let server: RunningServer;
let uncached: RunningServer;

test.before(async () => {
  [server, uncached] = await Promise.all([startTestServer(), startTestServer({ env: { TOLLGATE_CLIENT_CACHE_MS: '0' } })]);
});

test.after.always(async () => {
  await server?.stop();
  await uncached?.stop();
});

interface Work {
  lookups: number;
  hashes: number;
  /** Client models built (their metadata validated against oidc-provider's client schema). */
  builds: number;
}

/** Counts client lookups and hash computations (node:crypto, as every caller sees it) during `run`. */
async function countWork(server: RunningServer, run: () => Promise<unknown>): Promise<Work> {
  const work: Work = { lookups: 0, hashes: 0, builds: 0 };
  const { clients, provider } = server.tollgate;
  const stopObserving = observeClientModelBuilds(provider, () => work.builds++);
  const { get, peek } = clients;
  const originals = { createHash: crypto.createHash, createHmac: crypto.createHmac, hash: crypto.hash };
  // A lookup asks the cache first (peek) and reads (get) only when it holds nothing: both count.
  clients.get = (id) => {
    work.lookups++;
    return get(id);
  };
  clients.peek = (id) => {
    work.lookups++;
    return peek(id);
  };
  const counting = <F extends (...args: never[]) => unknown>(original: F) =>
    ((...args: Parameters<F>) => {
      work.hashes++;
      return original(...args);
    }) as unknown as F;
  crypto.createHash = counting(originals.createHash);
  crypto.createHmac = counting(originals.createHmac);
  crypto.hash = counting(originals.hash);
  syncBuiltinESMExports();
  try {
    await run();
  } finally {
    Object.assign(crypto, originals);
    syncBuiltinESMExports();
    clients.get = get;
    clients.peek = peek;
    stopObserving();
  }
  return work;
}

const tokenRequest = (server: RunningServer, clientId: string, secret: string, how: 'basic' | 'post') =>
  how === 'basic'
    ? postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(clientId, secret) })
    : postForm(`${server.url}/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });

for (const [how, cache] of [
  ['basic', 'cached'],
  ['post', 'cached'],
  ['basic', 'uncached'],
] as const) {
  test.serial(
    `an unknown client costs the same lookups and hashes as a wrong secret (client_secret_${how}, client cache ${cache === 'cached' ? 'on' : 'off'})`,
    async (t) => {
      const target = cache === 'cached' ? server : uncached;
      // Warm both paths first: oidc-provider builds a known client's model once.
      for (const id of ['demo', 'no-such-client']) await tokenRequest(target, id, 'a-wrong-secret-0123456789', how);
      let known: Awaited<ReturnType<typeof tokenRequest>> | undefined;
      let unknown: Awaited<ReturnType<typeof tokenRequest>> | undefined;
      const wrongSecret = await countWork(target, async () => (known = await tokenRequest(target, 'demo', 'a-wrong-secret-0123456789', how)));
      const unknownClient = await countWork(target, async () => (unknown = await tokenRequest(target, 'no-such-client', 'a-wrong-secret-0123456789', how)));
      t.is(known?.status, 401);
      t.deepEqual(unknown?.body, known?.body);
      t.true(wrongSecret.hashes > 0 && wrongSecret.lookups > 0);
      t.deepEqual(unknownClient, wrongSecret);
    },
  );
}

// Issue 21.5: each id probed once, a client that exists but was never used cost more than an
// unknown id (oidc-provider validating and building its model): 0.08-0.14 ms, z 24-37.
for (const cache of ['cached', 'uncached'] as const) {
  test.serial(
    `the first probe of a never-used client costs the same lookups, hashes and model builds as the first of an unknown id (client cache ${cache === 'cached' ? 'on' : 'off'})`,
    async (t) => {
      const target = cache === 'cached' ? server : uncached;
      const fresh = await createTestClient(target, { grantTypes: [grantTypes.clientCredentials], scopes: ['demo:read'] });
      let known: Awaited<ReturnType<typeof tokenRequest>> | undefined;
      let unknown: Awaited<ReturnType<typeof tokenRequest>> | undefined;
      const neverUsed = await countWork(target, async () => (known = await tokenRequest(target, fresh.clientId, 'a-wrong-secret-0123456789', 'basic')));
      const unknownId = await countWork(target, async () => (unknown = await tokenRequest(target, unique('client'), 'a-wrong-secret-0123456789', 'basic')));
      t.is(known?.status, 401);
      t.deepEqual(unknown?.body, known?.body);
      t.is(neverUsed.builds, 1, 'oidc-provider built the never-used client');
      t.deepEqual(unknownId, neverUsed);

      // And again, both ids now seen: nothing is built for either.
      const knownAgain = await countWork(target, () => tokenRequest(target, fresh.clientId, 'a-wrong-secret-0123456789', 'basic'));
      t.is(knownAgain.builds, 0);
    },
  );
}
