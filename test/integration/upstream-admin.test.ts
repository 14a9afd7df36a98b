import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import test from 'ava';
import { decodeJwt } from 'jose';

import { adminCall, adminToken } from '../helpers/admin-api.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { freePort } from '../helpers/free-port.ts';
import { runCli } from '../helpers/run-cli.ts';
import { demoPassword, startTestServer } from '../helpers/start-server.ts';
import { alice, approveAndPoll, refresh, startUpstreamTestBed, upstreamSecrets, upstreamSignIn, type UpstreamTestBed } from '../helpers/upstream-setup.ts';

// Upstreams and linked identities as operators see them: seed, admin API, CLI, start-up errors.
const dir = mkdtempSync(join(tmpdir(), 'tollgate-upstream-seed-'));
// An upstream the seed adds to the configured ones (SPEC §13); a GitHub type needs no discovery at start.
const seededUpstream = {
  id: 'ghe',
  name: 'GitHub Enterprise',
  type: 'github',
  baseUrl: 'http://127.0.0.1:9',
  clientId: 'tollgate-ghe',
  clientSecretEnv: 'GITHUB_SECRET',
};
let bed: UpstreamTestBed;
let admin: string;

test.before(async () => {
  const seedFile = join(dir, 'seed.json');
  writeFileSync(
    seedFile,
    JSON.stringify({
      upstreams: [seededUpstream],
      accounts: [
        { id: 'mona', username: 'mona', maxPriority: { default: 2 }, identities: [{ upstream: 'acme', subject: 'mona-sub', groups: ['staff'] }] },
        { id: 'otto', username: 'otto', identities: [{ upstream: 'ghe', subject: '4242' }] },
      ],
    }),
  );
  bed = await startUpstreamTestBed(captureLog('silent'), { seedFile });
  admin = await adminToken(bed.server);
});

test.after.always(async () => {
  await bed?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a seeded identity signs in to its seeded account, whose own map and the rules combine', async (t) => {
  bed.idp.people.set('mona-sub', { ...alice, preferred_username: 'mona.upstream', email: 'mona@acme.test', department: 'dev' });
  const { status, body } = await approveAndPoll(bed, await upstreamSignIn(bed, 'acme', 'mona-sub'));
  t.is(status, 200);
  const claims = decodeJwt(body.access_token as string);
  t.is(claims.sub, 'mona');
  t.deepEqual(claims.max_priority, { default: 2, lab: 9 });
  const account = await adminCall(bed.server, admin, 'GET', '/accounts/mona');
  t.deepEqual((account.body.identities as Array<{ groups: string[] }>)[0]?.groups, ['staff', 'lab-admins'], 'groups stored at sign-in');
  t.deepEqual(account.body.max_priority, { default: 2 }, 'the stored map');
  t.deepEqual(account.body.effective_max_priority, { default: 2, lab: 9 }, 'the map its tokens carry');
});

test('a just-in-time account whose map comes from rules shows no stored map and the effective one, in the API and the CLI', async (t) => {
  bed.idp.people.set('rita-sub', { ...alice, preferred_username: 'rita', email: 'rita@acme.test' });
  const login = await approveAndPoll(bed, await upstreamSignIn(bed, 'acme', 'rita-sub'));
  const id = decodeJwt(login.body.access_token as string).sub as string;
  const { body } = await adminCall(bed.server, admin, 'GET', `/accounts/${id}`);
  t.is(body.max_priority, null);
  t.deepEqual(body.effective_max_priority, decodeJwt(login.body.access_token as string).max_priority);
  const shown = await runCli(['accounts', 'get', id], cliEnv());
  t.is(shown.code, 0, shown.stderr);
  t.regex(shown.stdout, /^max_priority: +-$/m);
  t.regex(shown.stdout, /^effective_max_priority: +\{"lab":9,"qa":5,"default":1\}$/m);
});

test('unlinking an identity ends the logins made through it', async (t) => {
  bed.idp.people.set('uma-sub', { ...alice, preferred_username: 'uma', email: 'uma@acme.test' });
  const laptop = await approveAndPoll(bed, await upstreamSignIn(bed, 'acme', 'uma-sub'));
  const desktop = await approveAndPoll(bed, await upstreamSignIn(bed, 'acme', 'uma-sub'));
  const id = decodeJwt(laptop.body.access_token as string).sub as string;
  const unlinked = await adminCall(bed.server, admin, 'DELETE', `/accounts/${id}/identities/acme/uma-sub`);
  t.is(unlinked.status, 200);
  t.is(unlinked.body.revoked_grants, 2);
  for (const login of [laptop, desktop]) {
    const refreshed = await refresh(bed, login.body.refresh_token as string);
    t.is(refreshed.status, 400);
    t.is(refreshed.body.error, 'invalid_grant');
  }
});

test('the admin API lists upstreams with their redirect URIs and never their secrets', async (t) => {
  const { status, body } = await adminCall(bed.server, admin, 'GET', '/upstreams');
  t.is(status, 200);
  const upstreams = body.upstreams as Array<Record<string, unknown>>;
  t.deepEqual(
    upstreams.map((upstream) => upstream.id),
    ['acme', 'corp', 'flaky', 'github', 'ghe'],
    "the seed's upstream comes after the configured ones",
  );
  t.is(upstreams[0]?.redirect_uri, `${bed.server.url}/upstream/acme/callback`);
  const text = JSON.stringify(body);
  for (const secret of Object.values(upstreamSecrets)) t.false(text.includes(secret));
  t.false(text.includes('ACME_SECRET'));
});

test('a seeded account can be linked to an upstream the seed itself defines', async (t) => {
  const account = await adminCall(bed.server, admin, 'GET', '/accounts/otto');
  t.like((account.body.identities as Array<Record<string, unknown>>)[0], { upstream: 'ghe', subject: '4242' });
});

test('a seed upstream without its secret, or with the id of a configured one, stops start-up naming the seed', async (t) => {
  const seedFile = join(dir, 'bad-upstream-seed.json');
  const github = { ...seededUpstream, id: 'github' };
  writeFileSync(seedFile, JSON.stringify({ upstreams: [{ ...seededUpstream, clientSecretEnv: 'NOT_SET_ANYWHERE' }] }));
  const missing = await t.throwsAsync(startTestServer({ env: { TOLLGATE_SEED_FILE: seedFile } }));
  t.is((missing as { code?: string }).code, 'invalid_seed');
  t.regex(missing?.message ?? '', /bad-upstream-seed\.json.*upstreams\.ghe\.clientSecretEnv: environment variable NOT_SET_ANYWHERE is not set/);

  writeFileSync(seedFile, JSON.stringify({ upstreams: [github] }));
  const twice = await t.throwsAsync(startTestServer({ env: { TOLLGATE_SEED_FILE: seedFile, GITHUB_SECRET: 'x' }, overrides: { upstreams: [github] } }));
  t.is((twice as { code?: string }).code, 'invalid_seed');
  t.regex(twice?.message ?? '', /upstreams\.0\.id: "github" is already an upstream/);
});

test('the CLI shows and unlinks identities and lists upstreams', async (t) => {
  bed.idp.people.set('nina-sub', { ...alice, preferred_username: 'nina', email: 'nina@acme.test' });
  const login = await approveAndPoll(bed, await upstreamSignIn(bed, 'acme', 'nina-sub'));
  const id = decodeJwt(login.body.access_token as string).sub as string;
  const env = cliEnv();

  const upstreams = await runCli(['upstreams', 'list'], env);
  t.is(upstreams.code, 0, upstreams.stderr);
  t.regex(upstreams.stdout, /acme\s+Acme SSO\s+oidc\s+jit/);
  const shown = await runCli(['accounts', 'identities', 'nina', '--json'], env);
  t.is(shown.code, 0, shown.stderr);
  t.like(shown.json<Array<Record<string, unknown>>>()[0], { upstream: 'acme', subject: 'nina-sub' });

  const unlinked = await runCli(['accounts', 'unlink', 'nina', 'acme', 'nina-sub'], env);
  t.is(unlinked.code, 0, unlinked.stderr);
  t.regex(unlinked.stdout, /unlinked nina-sub at acme from nina \(1 grant\(s\) revoked\)/);
  t.deepEqual((await adminCall(bed.server, admin, 'GET', `/accounts/${id}`)).body.identities, []);
  t.is((await adminCall(bed.server, admin, 'DELETE', `/accounts/${id}/identities/acme/nina-sub`)).status, 404);

  // Unlinked, the identity is a first sign-in again: a new account (the username taken, it gets a suffix).
  const again = await approveAndPoll(bed, await upstreamSignIn(bed, 'acme', 'nina-sub'));
  t.not(decodeJwt(again.body.access_token as string).sub, id);
});

const cliEnv = () => ({
  TOLLGATE_URL: bed.server.url,
  TOLLGATE_ADMIN_CLIENT_ID: bed.server.tollgate.demo?.adminClientId as string,
  TOLLGATE_ADMIN_CLIENT_SECRET: bed.server.tollgate.demo?.adminClientSecret as string,
});

test('an upstream whose discovery fails at start stops start-up with an error naming it', async (t) => {
  const nothing = `http://127.0.0.1:${await freePort()}`;
  const error = await t.throwsAsync(
    startTestServer({
      env: { ACME_SECRET: 'x' },
      overrides: { upstreams: [{ id: 'acme', name: 'Acme SSO', type: 'oidc', issuer: nothing, clientId: 'tollgate', clientSecretEnv: 'ACME_SECRET' }] },
    }),
  );
  t.is((error as { code?: string }).code, 'invalid_config');
  t.regex(error?.message ?? '', new RegExp(`upstreams\\.acme: discovery at ${nothing.replace(/[.]/g, '\\.')} failed`));
});

test('with password sign-in off the page offers only the upstream buttons and refuses a password', async (t) => {
  const only = await startUpstreamTestBed(captureLog('silent'), { passwordSignIn: false });
  t.teardown(() => only.stop());
  const { signIn, browser } = await upstreamSignIn(only, 'acme', 'x', { stopAt: /./ });
  t.false(signIn.html.includes('name="password"'));
  t.regex(signIn.text, /Continue with Acme SSO/);
  const action = new URL(/action="([^"]+)"/.exec(signIn.html)?.[1] as string, signIn.url).href.replace(/\/upstream$/, '/login');
  const csrf = /name="csrf" value="([^"]+)"/.exec(signIn.html)?.[1] as string;
  const posted = await browser.request(action, { form: { csrf, username: 'demo', password: demoPassword } });
  t.regex(posted.text, /Continue with Acme SSO/, 'back on the sign-in page, not signed in');
  t.notRegex(posted.text, /Approve this device/);
});
