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
  t.is(claimAt({ 'a.b': 'flat', a: { b: 'nested' } }, 'a.b'), 'nested');
  t.is(claimAt(kubernetesClaims, 'kubernetes.io.missing'), undefined);
  t.is(claimAt(kubernetesClaims, 'kubernetes'), undefined);
});

test('a flat claim named kubernetes.io.namespace never stands in for the nested one (issue 21)', (t) => {
  const both = { 'kubernetes.io': { namespace: 'payments' }, 'kubernetes.io.namespace': 'evil' };
  t.true(conditionHolds(both, 'kubernetes.io.namespace', 'payments'));
  t.false(conditionHolds(both, 'kubernetes.io.namespace', 'evil'));
  // The flat shape alone does not satisfy the nested path either...
  const flatOnly = { 'kubernetes.io.namespace': 'payments' };
  t.false(conditionHolds(flatOnly, 'kubernetes.io.namespace', 'payments'));
  // ...it is named with escaped dots, which in turn never read the nested shape.
  t.true(conditionHolds(flatOnly, 'kubernetes\\.io\\.namespace', 'payments'));
  t.false(conditionHolds(both, 'kubernetes\\.io\\.namespace', 'payments'));
  t.is(claimAt({ 'https://example.com/groups': 'ops' }, 'https://example\\.com/groups'), 'ops');
});

test('a claim path reads own members only, never Object.prototype', (t) => {
  t.is(claimAt({ a: {} }, 'a.constructor'), undefined);
  t.is(claimAt({}, 'toString'), undefined);
});

test('a claim path with an empty step is refused at input', (t) => {
  const identity = { issuer: 'https://a.example', subject: 's' };
  t.false(federatedIdentitySchema.safeParse({ ...identity, conditions: { 'a..b': 'x' } }).success);
  t.false(federatedIdentitySchema.safeParse({ ...identity, conditions: { 'a.': 'x' } }).success);
  t.true(federatedIdentitySchema.safeParse({ ...identity, conditions: { 'kubernetes\\.io\\.namespace': 'x', repository_id: '1' } }).success);
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
  const error = t.throws(() => issuers.declare([{ issuer: 'https://a.example', jwksUri: 'https://a.example/keys' }], 'seed', 'trustedIssuers'), {
    instanceOf: AppError,
  });
  t.is(error?.field, 'trustedIssuers.0.issuer');
  issuers.declare([{ issuer: 'https://b.example' }], 'seed', 'trustedIssuers');
  issuers.declare([{ issuer: 'https://b.example' }], 'seed', 'trustedIssuers');
  t.deepEqual(
    issuers.list().map(({ issuer, origin }) => [issuer, origin]),
    [
      ['https://a.example', 'config'],
      ['https://b.example', 'seed'],
    ],
  );
  t.is(issuers.keysOf('https://c.example'), undefined);
});
