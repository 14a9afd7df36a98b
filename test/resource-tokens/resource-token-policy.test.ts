import test, { type ExecutionContext } from 'ava';

import type { AppError } from '../../src/errors.ts';
import { checkNewToken } from '../../src/resource-tokens/resource-token-policy.ts';
import type { ResourceServerRecord } from '../../src/resources/resource-server-record.ts';

const now = Date.parse('2026-12-07T12:00:00Z');
const days = (n: number) => new Date(now + n * 86400_000).toISOString();

const resource: ResourceServerRecord = {
  identifier: 'https://plugins.example.org',
  name: 'plugins',
  scopes: ['publish', 'read', 'admin'],
  signingAlg: 'ES256',
  selfService: { enabled: true, scopes: ['publish', 'read'], maxPriority: { ci: 5, nightly: 2 }, maxLifetimeDays: 90, publisherIssuers: [] },
  createdAt: '',
  updatedAt: '',
};

function refusal(t: ExecutionContext, run: () => unknown, field: string) {
  const error = t.throws(run) as AppError;
  t.is(error.code, 'invalid_field');
  t.is(error.field, field);
}

test('a token within the scopes, both ceilings and the lifetime is accepted', (t) => {
  const checked = checkNewToken(resource, { ci: 8 }, { description: 'release', scopes: ['publish'], max_priority: { ci: 5 }, expires_at: days(30) }, now);
  t.deepEqual(checked, { scopes: ['publish'], maxPriority: { ci: 5 }, expiresAt: days(30) });
});

test('without scopes a token gets every scope the policy allows', (t) => {
  t.deepEqual(checkNewToken(resource, undefined, { description: 'x', expires_at: days(1) }, now).scopes, ['publish', 'read']);
});

test('a scope the policy does not allow is refused', (t) => {
  refusal(t, () => checkNewToken(resource, undefined, { description: 'x', scopes: ['admin'], expires_at: days(1) }, now), 'scopes');
});

test('a priority above the resource ceiling is refused even when the creator holds it', (t) => {
  refusal(t, () => checkNewToken(resource, { ci: 9 }, { description: 'x', max_priority: { ci: 6 }, expires_at: days(1) }, now), 'max_priority.ci');
});

test("a priority above the creator's own effective map is refused even within the ceiling", (t) => {
  refusal(t, () => checkNewToken(resource, { ci: 3 }, { description: 'x', max_priority: { ci: 4 }, expires_at: days(1) }, now), 'max_priority.ci');
});

test('a priority on a queue the ceiling or the creator lacks is refused', (t) => {
  refusal(t, () => checkNewToken(resource, { other: 1 }, { description: 'x', max_priority: { other: 1 }, expires_at: days(1) }, now), 'max_priority.other');
  refusal(t, () => checkNewToken(resource, { ci: 5 }, { description: 'x', max_priority: { nightly: 1 }, expires_at: days(1) }, now), 'max_priority.nightly');
});

test('an expiry beyond the maximum lifetime, or in the past, is refused', (t) => {
  refusal(t, () => checkNewToken(resource, undefined, { description: 'x', expires_at: days(91) }, now), 'expires_at');
  refusal(t, () => checkNewToken(resource, undefined, { description: 'x', expires_at: days(-1) }, now), 'expires_at');
});

test('without a policy lifetime the default maximum is 365 days', (t) => {
  const plain = { ...resource, selfService: { enabled: true, maxLifetimeDays: 365, publisherIssuers: [] } };
  t.is(checkNewToken(plain, undefined, { description: 'x', expires_at: days(365) }, now).expiresAt, days(365));
  refusal(t, () => checkNewToken(plain, undefined, { description: 'x', expires_at: days(366) }, now), 'expires_at');
});
