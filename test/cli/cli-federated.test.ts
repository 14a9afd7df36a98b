import test from 'ava';

import type { RunningServer } from '../../src/server.ts';
import { startAdminTestServer } from '../helpers/admin-api.ts';
import { runCli, demoAdminEnv } from '../helpers/run-cli.ts';

const github = 'https://token.actions.githubusercontent.com';
let server: RunningServer;
let stop: () => Promise<void>;
let admin: Record<string, string>;

test.before(async () => {
  // Trusting an issuer fetches nothing until an assertion names it: no network here.
  ({ server, stop } = await startAdminTestServer({}, { overrides: { federation: { trustedIssuers: [{ issuer: github }] } } }));
  admin = demoAdminEnv(server);
});
test.after.always(() => stop?.());

const cli = (args: string[]) => runCli(args, admin);
/** `tollgate clients create NAME`: a public jwt-bearer client for the demo API, then `rest`. */
const createFederated = ([name, ...rest]: string[]) =>
  cli(['clients', 'create', name as string, '--grant', 'jwt-bearer', '--auth-method', 'none', '--resource', 'urn:tollgate:demo', ...rest]);

test('clients create --federated makes a client without a secret; update --federated replaces the identities', async (t) => {
  const created = await createFederated([
    'plugin-release',
    '--federated',
    `issuer=${github},subject=repo:qgis/plugin-x:ref:refs/heads/main,audience=tollgate,claim.repository=qgis/plugin-x,claim.environment=release`,
    '--json',
  ]);
  t.is(created.code, 0, created.stderr);
  const client = created.json();
  t.false('client_secret' in client);
  t.deepEqual(client.federated_identities, [
    {
      issuer: github,
      subject: 'repo:qgis/plugin-x:ref:refs/heads/main',
      audience: 'tollgate',
      conditions: { repository: 'qgis/plugin-x', environment: 'release' },
    },
  ]);

  const updated = await cli([
    'clients',
    'update',
    'plugin-release',
    '--federated',
    `issuer=${github},subject=repo:qgis/plugin-x:environment:release`,
    '--federated',
    `{"issuer":"${github}","subject":"repo:qgis/plugin-x:ref:refs/tags/v1"}`,
    '--json',
  ]);
  t.is(updated.code, 0, updated.stderr);
  t.deepEqual(
    (updated.json().federated_identities as Array<{ subject: string }>).map((identity) => identity.subject),
    ['repo:qgis/plugin-x:environment:release', 'repo:qgis/plugin-x:ref:refs/tags/v1'],
  );

  const emptied = await cli(['clients', 'update', 'plugin-release', '--federated', 'none']);
  t.is(emptied.code, 2);
  t.regex(emptied.stderr, /--federated: the jwt-bearer grant needs at least one federated identity/);

  const human = await cli(['clients', 'get', 'plugin-release']);
  t.regex(human.stdout, /federated_identities/);
});

test('--federated with an unknown key is a usage error before any request', async (t) => {
  const run = await cli(['clients', 'create', 'x', '--federated', `issuer=${github},subjet=typo`]);
  t.is(run.code, 2);
  t.regex(run.stderr, /unknown key "subjet"/);
});

test('trusted-issuers list shows the configured issuers and where their keys come from', async (t) => {
  const listed = await cli(['trusted-issuers', 'list', '--json']);
  t.is(listed.code, 0, listed.stderr);
  t.deepEqual(listed.json<unknown[]>(), [{ issuer: github, keys: 'discovery', jwks_uri: null, declared_in: 'config' }]);
  const human = await cli(['trusted-issuers', 'list']);
  t.regex(human.stdout, /token\.actions\.githubusercontent\.com\s+discovery/);
});

test('clients create refuses a federated identity another client holds, exit code 5 naming the field', async (t) => {
  const identity = `issuer=${github},subject=repo:org/shared:ref:refs/heads/main,claim.repository_id=1296269,claim.repository_owner_id=1342004`;
  const first = await createFederated(['shared-first', '--federated', identity]);
  t.is(first.code, 0, first.stderr);
  const second = await createFederated(['shared-second', '--federated', identity]);
  t.is(second.code, 5);
  t.regex(second.stderr, /federated_identities\.0: client "shared-first" already holds this federated identity/);
});
