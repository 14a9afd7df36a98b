import test from 'ava';

import type { RunningServer } from '../../src/server.ts';
import { adminCall, startAdminTestServer } from '../helpers/admin-api.ts';
import { runCli, demoAdminEnv } from '../helpers/run-cli.ts';
import { startTestIssuer, type TestIssuer } from '../helpers/test-issuer.ts';

let server: RunningServer;
let token: string;
let stop: () => Promise<void>;
let ci: TestIssuer;

test.before(async () => {
  ci = await startTestIssuer();
  ({ server, token, stop } = await startAdminTestServer({}, { overrides: { federation: { trustedIssuers: [{ issuer: ci.issuer }] } } }));
});
test.after.always(async () => {
  await stop?.();
  await ci?.stop();
});

const call = (method: string, path: string, body?: unknown) => adminCall(server, token, method, path, body);
const path = (identifier: string) => `/resources/${encodeURIComponent(identifier)}`;

test('a new resource server has no maintainers and self-service off, with a 365-day maximum lifetime', async (t) => {
  const created = await call('POST', '/resources', { identifier: 'https://plain.example.org', scopes: ['read'] });
  t.is(created.status, 201);
  t.deepEqual(created.body.maintainers, { accounts: [], groups: [] });
  t.false(created.body.self_service);
  t.is(created.body.self_service_max_lifetime_days, 365);
  t.is(created.body.self_service_scopes, null);
  t.deepEqual(created.body.trusted_publisher_issuers, []);
});

test('an admin sets maintainers and the self-service policy, and reads them back', async (t) => {
  const identifier = 'https://plugins.example.org';
  await call('POST', '/resources', { identifier, scopes: ['publish', 'read'] });
  const changed = await call('PATCH', path(identifier), {
    maintainers: { accounts: ['alice'] },
    self_service: true,
    self_service_scopes: ['publish'],
    self_service_max_priority: { ci: 5 },
    self_service_max_lifetime_days: 90,
    trusted_publisher_issuers: [ci.issuer],
  });
  t.is(changed.status, 200, JSON.stringify(changed.body));
  const read = await call('GET', path(identifier));
  t.deepEqual(read.body.maintainers, { accounts: ['alice'], groups: [] });
  t.true(read.body.self_service);
  t.deepEqual(read.body.self_service_scopes, ['publish']);
  t.deepEqual(read.body.self_service_max_priority, { ci: 5 });
  t.is(read.body.self_service_max_lifetime_days, 90);
  t.deepEqual(read.body.trusted_publisher_issuers, [ci.issuer]);

  const cleared = await call('PATCH', path(identifier), { maintainers: null, self_service_scopes: null, self_service_max_priority: null });
  t.deepEqual(cleared.body.maintainers, { accounts: [], groups: [] });
  t.is(cleared.body.self_service_scopes, null);
  t.is(cleared.body.self_service_max_priority, null);
  t.true(cleared.body.self_service, 'fields not sent stay');
});

const refusals: Array<[string, Record<string, unknown>, string]> = [
  ['a self-service scope the resource does not define', { self_service_scopes: ['admin'] }, 'self_service_scopes'],
  ['a publisher issuer that is not trusted', { trusted_publisher_issuers: ['https://untrusted.example.org'] }, 'trusted_publisher_issuers'],
  ['a maintainer group of an unknown upstream', { maintainers: { groups: [{ upstream: 'nowhere', group: 'team' }] } }, 'maintainers.groups'],
  ['a maximum lifetime over ten years', { self_service_max_lifetime_days: 4000 }, 'self_service_max_lifetime_days'],
  ['a negative priority ceiling', { self_service_max_priority: { ci: -1 } }, 'self_service_max_priority.ci'],
  ['a maintainer that is not an account id', { maintainers: { accounts: ['no spaces allowed'] } }, 'maintainers.accounts.0'],
];

for (const [what, body, field] of refusals) {
  test(`${what} is a 400 naming ${field}`, async (t) => {
    const identifier = `https://refused-${field.replaceAll('.', '-')}.example.org`;
    t.is((await call('POST', '/resources', { identifier, scopes: ['read'] })).status, 201);
    const response = await call('PATCH', path(identifier), body);
    t.is(response.status, 400);
    t.is(response.body.error, 'invalid_field');
    t.is(response.body.field, field);
  });
}

test('the built-in admin API cannot be given maintainers', async (t) => {
  const response = await call('PATCH', path('urn:tollgate:admin'), { maintainers: { accounts: ['alice'] }, self_service: true });
  t.is(response.status, 409);
});

test('tollgate resources create and update carry maintainers and the policy', async (t) => {
  const env = demoAdminEnv(server);
  const created = await runCli(
    [
      'resources',
      'create',
      'https://cli.example.org',
      '--scope',
      'publish,read',
      '--maintainer',
      'alice,bob',
      '--self-service',
      'on',
      '--self-service-scope',
      'publish',
      '--self-service-max-priority',
      'ci=3',
      '--max-lifetime-days',
      '30',
      '--json',
    ],
    env,
  );
  t.is(created.code, 0, created.stderr);
  t.deepEqual(created.json().maintainers, { accounts: ['alice', 'bob'], groups: [] });
  t.is(created.json().self_service_max_lifetime_days, 30);
  t.deepEqual(created.json().self_service_max_priority, { ci: 3 });
  const updated = await runCli(
    ['resources', 'update', 'https://cli.example.org', '--self-service', 'off', '--self-service-scope', 'all', '--maintainer', 'none', '--json'],
    env,
  );
  t.is(updated.code, 0, updated.stderr);
  t.false(updated.json().self_service);
  t.is(updated.json().self_service_scopes, null);
  t.deepEqual(updated.json().maintainers, { accounts: [], groups: [] });
  const bad = await runCli(['resources', 'update', 'https://cli.example.org', '--self-service', 'maybe'], env);
  t.not(bad.code, 0);
  t.regex(bad.stderr, /--self-service: expected on or off/);
});
