import test from 'ava';

import type { ClientRecord } from '../../src/clients/client-record.ts';
import type { FederatedIdentity } from '../../src/federation/federated-identity.ts';
import { federatedIdentityWarnings, isGithubActionsIdentity } from '../../src/federation/identity-warnings.ts';

const github = 'https://token.actions.githubusercontent.com';
const client = (clientId: string, federatedIdentities: FederatedIdentity[]) => ({ clientId, federatedIdentities }) as unknown as ClientRecord;

test('a GitHub Actions identity is known by its issuer or by a repo: subject', (t) => {
  t.true(isGithubActionsIdentity({ issuer: github, subject: 'x' }));
  t.true(isGithubActionsIdentity({ issuer: `${github}/my-enterprise`, subject: 'x' }));
  t.true(isGithubActionsIdentity({ issuer: 'https://ghes.example.com/_services/token', subject: 'repo:org/name:ref:refs/heads/main' }));
  t.false(isGithubActionsIdentity({ issuer: 'https://kubernetes.default.svc', subject: 'system:serviceaccount:ns:name' }));
});

test('a GitHub Actions identity without repository_id and repository_owner_id is warned about; with both it is not', (t) => {
  const bySub = { issuer: github, subject: 'repo:org/name:ref:refs/heads/main' };
  const halfPinned = { ...bySub, subject: 'repo:org/other:ref:refs/heads/main', conditions: { repository_id: '123' } };
  const pinned = { ...bySub, subject: 'repo:org/third:environment:prod', conditions: { repository_id: '123', repository_owner_id: '456' } };
  const warnings = federatedIdentityWarnings([client('a', [bySub]), client('b', [halfPinned]), client('c', [pinned])], 'https://tollgate.example');
  t.deepEqual(
    warnings.map(({ clientId, index }) => [clientId, index]),
    [
      ['a', 0],
      ['b', 0],
    ],
  );
  t.regex(warnings[0]?.message ?? '', /repository_id and repository_owner_id/);
  t.regex(warnings[1]?.message ?? '', /without repository_owner_id conditions/);
});

test('two stored clients with the same identity are warned about; the default audience counts as the issuer', (t) => {
  const identity = { issuer: 'https://cluster.example', subject: 'system:serviceaccount:ns:app' };
  const warnings = federatedIdentityWarnings(
    [client('a', [identity]), client('b', [{ ...identity, audience: 'https://tollgate.example' }])],
    'https://tollgate.example',
  );
  t.is(warnings.length, 1);
  t.like(warnings[0], { clientId: 'b', index: 0 });
  t.regex(warnings[0]?.message ?? '', /client "a" holds the same federated identity/);
});
