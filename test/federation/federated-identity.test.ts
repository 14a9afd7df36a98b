import test from 'ava';

import { claimAt, conditionHolds, federatedIdentitySchema } from '../../src/federation/federated-identity.ts';
import { AppError } from '../../src/errors.ts';
import { createTrustedIssuers } from '../../src/federation/trusted-issuers.ts';

const kubernetesClaims = {
  sub: 'system:serviceaccount:payments:api',
  'kubernetes.io': { namespace: 'payments', serviceaccount: { name: 'api' } },
  run_attempt: 2,
  groups: ['a'],
};

test('a claim path reads nested claims, and claim names that contain dots', (t) => {
  t.is(claimAt(kubernetesClaims, 'kubernetes.io.namespace'), 'payments');
  t.is(claimAt(kubernetesClaims, 'kubernetes.io.serviceaccount.name'), 'api');
  t.is(claimAt({ 'a.b': 'flat', a: { b: 'nested' } }, 'a.b'), 'flat');
  t.is(claimAt(kubernetesClaims, 'kubernetes.io.missing'), undefined);
  t.is(claimAt(kubernetesClaims, 'kubernetes'), undefined);
});

test('conditions match exactly: strings as they are, numbers as their text, never arrays or objects', (t) => {
  t.true(conditionHolds(kubernetesClaims, 'kubernetes.io.namespace', 'payments'));
  t.false(conditionHolds(kubernetesClaims, 'kubernetes.io.namespace', 'Payments'));
  t.false(conditionHolds(kubernetesClaims, 'kubernetes.io.namespace', 'pay'));
  t.true(conditionHolds(kubernetesClaims, 'run_attempt', '2'));
  t.false(conditionHolds(kubernetesClaims, 'groups', 'a'));
  t.false(conditionHolds(kubernetesClaims, 'kubernetes.io', '[object Object]'));
});

test('an identity may not put iss, sub or aud among its conditions', (t) => {
  const identity = { issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:a/b:ref:refs/heads/main' };
  t.true(federatedIdentitySchema.safeParse(identity).success);
  t.false(federatedIdentitySchema.safeParse({ ...identity, conditions: { sub: 'x' } }).success);
  t.false(federatedIdentitySchema.safeParse({ ...identity, issuer: 'file:///etc/passwd' }).success);
});

test('the seed cannot declare an issuer the configuration already trusts; the same seed twice is no change', (t) => {
  const issuers = createTrustedIssuers([{ issuer: 'https://a.example' }]);
  const error = t.throws(() => issuers.declare([{ issuer: 'https://a.example', jwksUri: 'https://a.example/keys' }], 'seed', 'trustedIssuers'), { instanceOf: AppError });
  t.is(error?.field, 'trustedIssuers.0.issuer');
  issuers.declare([{ issuer: 'https://b.example' }], 'seed', 'trustedIssuers');
  issuers.declare([{ issuer: 'https://b.example' }], 'seed', 'trustedIssuers');
  t.deepEqual(issuers.list().map(({ issuer, origin }) => [issuer, origin]), [['https://a.example', 'config'], ['https://b.example', 'seed']]);
  t.is(issuers.keysOf('https://c.example'), undefined);
});
