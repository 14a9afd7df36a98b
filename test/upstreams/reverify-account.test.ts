import test from 'ava';

import type { AccountRecord } from '../../src/accounts/account-record.ts';
import { createAccountStore } from '../../src/accounts/account-store.ts';
import { resolveConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/logger.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';
import { createReverification } from '../../src/upstreams/reverify-account.ts';
import { createTokenSealer } from '../../src/upstreams/token-sealer.ts';
import type { UpstreamRegistry } from '../../src/upstreams/upstream-registry.ts';

const [settings] = resolveConfig(
  { upstreams: [{ id: 'acme', name: 'Acme', type: 'oidc', issuer: 'https://sso.acme.test', clientId: 'c', clientSecretEnv: 'S', reverifyAfter: 0 }] },
  { S: 's' },
).upstreams;
let asked = 0;
const upstreams: UpstreamRegistry = {
  list: [],
  settings: new Map([['acme', settings as NonNullable<typeof settings>]]),
  get: () => ({
    settings: settings as NonNullable<typeof settings>,
    authorizationOrigin: () => '',
    authorizationUrl: () => Promise.reject(new Error('not used')),
    complete: () => Promise.reject(new Error('not used')),
    recheck: async () => {
      asked += 1;
      throw new Error('must not be asked while another re-check runs');
    },
  }),
};

test('a refresh that finds another re-check of the account running past its wait answers 503 temporarily_unavailable, not an unchecked token', async (t) => {
  const storage = createMemoryStorage();
  const accounts = createAccountStore(storage);
  const now = new Date().toISOString();
  const account: AccountRecord = {
    id: 'sam',
    username: 'sam',
    passwordHash: '',
    identities: [{ upstream: 'acme', subject: 'sam-sub', groups: [], linkedAt: now, checkedAt: now }],
    disabled: false,
    createdAt: now,
    updatedAt: now,
  };
  await accounts.create(account);
  // Another process holds the account's re-check lock and does not let go.
  await storage.swapValue('upstream-reverify:sam', 'running', 30);
  const securityEvents = { emit: () => undefined };
  const reverify = createReverification({
    upstreams,
    accounts,
    storage,
    sealer: createTokenSealer(['k'.repeat(32)]),
    logger: createLogger('silent'),
    securityEvents,
    waitMs: 200,
  });
  const error = await t.throwsAsync(reverify(account));
  t.like(error, { code: 'reverify_busy', status: 503, error: 'temporarily_unavailable' });
  t.is(asked, 0, 'the upstream was not asked a second time at once');
});
