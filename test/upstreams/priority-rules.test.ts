import test from 'ava';

import type { AccountRecord } from '../../src/accounts/account-record.ts';
import { resolveConfig } from '../../src/config/load-config.ts';
import { effectiveMaxPriority } from '../../src/upstreams/priority-rules.ts';

const { upstreams } = resolveConfig(
  {
    upstreams: [
      {
        id: 'acme',
        name: 'Acme',
        type: 'oidc',
        issuer: 'https://sso.acme.test',
        clientId: 'c',
        clientSecretEnv: 'S',
        priorityRules: [
          { group: 'admins', maxPriority: { lab: 9, default: 2 } },
          { group: 'staff', maxPriority: { lab: 3, default: 4 } },
          { claim: 'department', value: 'qa', maxPriority: { qa: 5 } },
        ],
      },
    ],
  },
  { S: 'secret' },
);
const settings = new Map(upstreams.map((upstream) => [upstream.id, upstream]));
const now = new Date().toISOString();
const account = (changes: Partial<AccountRecord>): AccountRecord => ({
  id: 'a',
  username: 'a',
  passwordHash: '',
  disabled: false,
  createdAt: now,
  updatedAt: now,
  ...changes,
});
const identity = (groups: string[], claims?: Record<string, unknown>) => ({
  upstream: 'acme',
  subject: 's',
  groups,
  ...(claims ? { claims } : {}),
  linkedAt: now,
  checkedAt: now,
});

test('the effective map is the per-queue maximum of the account map and every matching rule', (t) => {
  t.deepEqual(
    effectiveMaxPriority(
      account({ maxPriority: { default: 3, other: 1 }, identities: [identity(['admins', 'staff'], { department: ['qa', 'dev'] })] }),
      settings,
    ),
    {
      default: 4,
      other: 1,
      lab: 9,
      qa: 5,
    },
  );
});

test('no rule matching and no own map means no max_priority; identities of unknown upstreams are ignored', (t) => {
  t.is(effectiveMaxPriority(account({ identities: [identity(['visitors'])] }), settings), undefined);
  t.deepEqual(effectiveMaxPriority(account({ maxPriority: { q: 1 }, identities: [{ ...identity(['admins']), upstream: 'gone' }] }), settings), { q: 1 });
});

test('queues named like Object.prototype members merge as numbers (issue 21: they came out null)', (t) => {
  const merged = effectiveMaxPriority(account({ maxPriority: { toString: 1, constructor: 2 }, identities: [identity(['staff'])] }), settings);
  t.deepEqual(merged, { toString: 1, constructor: 2, lab: 3, default: 4 });
  t.is(JSON.stringify(merged), '{"toString":1,"constructor":2,"lab":3,"default":4}');
});
