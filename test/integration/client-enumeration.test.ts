import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import test from 'ava';

import type { RunningServer } from '../../src/server.ts';
import { basicAuth, postForm, startTestServer } from '../helpers/start-server.ts';

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
}

/** Counts client lookups and hash computations (node:crypto, as every caller sees it) during `run`. */
async function countWork(server: RunningServer, run: () => Promise<unknown>): Promise<Work> {
  const work: Work = { lookups: 0, hashes: 0 };
  const { clients } = server.tollgate;
  const get = clients.get;
  const originals = { createHash: crypto.createHash, createHmac: crypto.createHmac, hash: crypto.hash };
  clients.get = (id) => {
    work.lookups++;
    return get(id);
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
  }
  return work;
}

const tokenRequest = (server: RunningServer, clientId: string, secret: string, how: 'basic' | 'post') =>
  how === 'basic'
    ? postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(clientId, secret) })
    : postForm(`${server.url}/token`, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });

for (const [how, cache] of [['basic', 'cached'], ['post', 'cached'], ['basic', 'uncached']] as const) {
  test.serial(`an unknown client costs the same lookups and hashes as a wrong secret (client_secret_${how}, client cache ${cache === 'cached' ? 'on' : 'off'})`, async (t) => {
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
  });
}
