import test from 'ava';

import { resolveConfig } from '../../src/config/load-config.ts';
import { admissionRefusal } from '../../src/upstreams/admission.ts';
import type { UpstreamProfile } from '../../src/upstreams/upstream.ts';

const upstream = (admission: object, type: 'oidc' | 'github' = 'oidc') => {
  const base = { id: 'acme', name: 'Acme', clientId: 'c', clientSecretEnv: 'S', admission };
  const input = type === 'oidc' ? { ...base, type, issuer: 'https://sso.acme.test' } : { ...base, type };
  return resolveConfig({ upstreams: [input] }, { S: 'secret' }).upstreams[0] as Parameters<typeof admissionRefusal>[0];
};

const person = (email: string, groups: string[], emailVerified = true): UpstreamProfile => ({
  subject: 's',
  username: undefined,
  name: undefined,
  email,
  emailVerified,
  groups,
  claims: {},
  credential: undefined,
});

// "example.test emails OR group staff", and the same rules with the default, all of them.
const anyOf = upstream({ match: 'any', emailDomains: ['example.test'], groups: ['staff'] });
const allOf = upstream({ emailDomains: ['example.test'], groups: ['staff'] });

test('admission rules with match "any" admit a verified email in the domain without the group', (t) => {
  t.is(admissionRefusal(anyOf, person('ann@example.test', [])), undefined);
});

test('admission rules with match "any" admit a member of the group with an email elsewhere', (t) => {
  t.is(admissionRefusal(anyOf, person('ben@elsewhere.test', ['staff'])), undefined);
});

test('admission rules with match "any" refuse someone who passes none, naming every way in', (t) => {
  t.is(
    admissionRefusal(anyOf, person('cy@elsewhere.test', ['visitors'])),
    'Sign-in through Acme is open only to verified email addresses in example.test, or to members of these groups: staff.',
  );
});

test('admission rules with match "any" do not count an unverified email in the domain', (t) => {
  t.truthy(admissionRefusal(anyOf, person('dee@example.test', ['visitors'], false)));
});

test('admission rules match "all" by default: a verified email in the domain is not enough without the group', (t) => {
  t.is(allOf.admission.match, 'all');
  t.is(admissionRefusal(allOf, person('eve@example.test', [])), 'Sign-in through Acme is open to members of these groups only: staff.');
  t.is(admissionRefusal(allOf, person('fay@example.test', ['staff'])), undefined);
});

test('match "any" on a GitHub upstream admits an org member or a verified email in the domain', (t) => {
  const github = upstream({ match: 'any', emailDomains: ['example.test'], orgs: ['acme-labs'] }, 'github');
  t.is(admissionRefusal(github, person('gil@users.noreply.github.com', ['acme-labs'])), undefined);
  t.is(admissionRefusal(github, person('hal@example.test', ['elsewhere'])), undefined);
  t.regex(admissionRefusal(github, person('ida@elsewhere.test', ['elsewhere'])) ?? '', /or to members of these organisations or teams: acme-labs\.$/);
});

test('an unknown admission match is a config error naming the setting', (t) => {
  const error = t.throws(() => upstream({ match: 'some', groups: ['staff'] }));
  t.is((error as { code?: string }).code, 'invalid_config');
  t.regex(error?.message ?? '', /upstreams\.acme\.admission\.match/);
});
