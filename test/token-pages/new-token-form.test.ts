import test from 'ava';

import { invalidField } from '../../src/errors.ts';
import type { ResourceServerRecord } from '../../src/resources/resource-server-record.ts';
import { checkNewToken } from '../../src/resource-tokens/resource-token-policy.ts';
import { defaultTokenForm, readTokenForm, tokenFormFields } from '../../src/token-pages/new-token-form.ts';
import { fieldErrorOf } from '../../src/token-pages/rights-fields.ts';

const resource: ResourceServerRecord = {
  identifier: 'https://plugins.example.org',
  name: 'Plugins',
  scopes: ['publish', 'read', 'admin'],
  signingAlg: 'ES256',
  selfService: { enabled: true, scopes: ['publish', 'read'], maxPriority: { ci: 5 }, maxLifetimeDays: 30, publisherIssuers: [] },
  createdAt: '',
  updatedAt: '',
};
const now = Date.parse('2030-06-01T10:00:00Z');
const scope = { resource, creatorMap: { ci: 3 }, now };

test('the form starts with every allowed scope and an expiry within the maximum', (t) => {
  t.deepEqual(defaultTokenForm(scope), { description: '', expires: '2030-07-01', scopes: ['publish', 'read'], priorities: {} });
});

test('a filled form becomes the create input: the day at 00:00 UTC, checked scopes, typed priorities', (t) => {
  const { input, errors } = readTokenForm(
    { description: ' release ', expires: '2030-06-20', 'scope:read': 'on', 'scope:admin': 'on', 'priority:ci': '2' },
    scope,
  );
  t.deepEqual(errors, {});
  t.deepEqual(input, { description: 'release', expires_at: '2030-06-20T00:00:00.000Z', scopes: ['read'], max_priority: { ci: 2 } });
});

test('a form with no description, no date or a priority that is not a number comes back with each field’s message and the values typed', (t) => {
  const { input, values, errors } = readTokenForm({ description: '  ', expires: 'soon', 'priority:ci': 'high' }, scope);
  t.is(input, undefined);
  t.deepEqual(Object.keys(errors).sort(), ['description', 'expires', 'priority:ci']);
  t.is(values.expires, 'soon');
  t.is(values.priorities.ci, 'high');
});

test('what the policy refuses is put beside its field, in a sentence', (t) => {
  const refusal = (fields: Record<string, unknown>) => {
    try {
      checkNewToken(resource, { ci: 3 }, { description: 'x', expires_at: '2030-06-20T00:00:00Z', ...fields } as never, now);
    } catch (error) {
      return fieldErrorOf(error as never, tokenFormFields);
    }
    throw new Error('not refused');
  };
  t.deepEqual(refusal({ max_priority: { ci: 4 } }), { 'priority:ci': 'This priority is above your own max_priority of 3.' });
  t.deepEqual(refusal({ max_priority: { ci: 6 } }), { 'priority:ci': "This priority is above the resource's ceiling of 5." });
  t.regex(refusal({ expires_at: '2030-08-01T00:00:00Z' }).expires ?? '', /^This day is later than the maximum lifetime of 30 days/);
  t.deepEqual(fieldErrorOf(invalidField('somewhere', 'went wrong'), tokenFormFields), { form: 'Went wrong.' });
});
