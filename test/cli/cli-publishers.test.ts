import test from 'ava';
import { decodeJwt } from 'jose';

import type { RunningServer } from '../../src/server.ts';
import { adminCall, startAdminTestServer } from '../helpers/admin-api.ts';
import { runCli } from '../helpers/run-cli.ts';
import { selfServiceCliLogin } from '../helpers/self-service.ts';
import { postForm } from '../helpers/start-server.ts';
import { startTestIssuer, type TestIssuer } from '../helpers/test-issuer.ts';

const resource = 'https://ci.example.org';
let actions: TestIssuer;
let server: RunningServer;
let stop: () => Promise<void>;
let env: Record<string, string>;

test.before(async () => {
  actions = await startTestIssuer();
  let adminToken: string;
  ({
    server,
    token: adminToken,
    stop,
  } = await startAdminTestServer({ TOLLGATE_DEVICE_POLL_INTERVAL: '1' }, { overrides: { federation: { trustedIssuers: [{ issuer: actions.issuer }] } } }));
  const made = await adminCall(server, adminToken, 'POST', '/resources', {
    identifier: resource,
    scopes: ['publish'],
    maintainers: { accounts: ['demo'] },
    self_service: true,
    self_service_max_priority: { default: 3 },
    trusted_publisher_issuers: [actions.issuer],
  });
  if (made.status !== 201) throw new Error(JSON.stringify(made.body));
  env = await selfServiceCliLogin(server, 'tollgate-tp-');
});
test.after.always(async () => {
  await stop?.();
  await actions?.stop();
});

const cli = (args: string[]) => runCli(args, env);
/** `tollgate publishers add` for the test resource, described `x`, then `flags`. */
const addPublisher = (flags: string[]) => cli(['publishers', 'add', resource, '--description', 'x', ...flags]);
const exchange = async (clientId: string, claims: Record<string, string> = {}) =>
  postForm(`${server.url}/token`, {
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    client_id: clientId,
    assertion: await actions.githubActionsToken('qgis/plugin-x', 'refs/heads/main', server.url, claims),
  });

test.serial("tollgate publishers add, list and remove work against the JSON API with the maintainer's own login", async (t) => {
  const added = await cli([
    'publishers',
    'add',
    resource,
    '--description',
    'release',
    '--ci-issuer',
    actions.issuer,
    '--repository',
    'qgis/plugin-x',
    '--repository-id',
    '812345678',
    '--owner-id',
    '483444',
    '--ref',
    'refs/heads/main',
    '--max-priority',
    'default=2',
    '--json',
  ]);
  t.is(added.code, 0, added.stderr);
  const { id } = added.json<{ id: string }>();
  const issued = await exchange(id);
  t.is(issued.status, 200, JSON.stringify(issued.body));
  t.deepEqual(decodeJwt(issued.body.access_token as string).max_priority, { default: 2 });

  const human = await cli([
    'publishers',
    'add',
    resource,
    '--description',
    'nightly',
    '--ci-issuer',
    actions.issuer,
    '--repository-id',
    '812345678',
    '--owner-id',
    '483444',
    '--environment',
    'nightly',
  ]);
  t.is(human.code, 0, human.stderr);
  t.regex(human.stdout, /client_id=tgtp_/);

  const listed = await cli(['publishers', 'list', resource]);
  t.is(listed.code, 0, listed.stderr);
  t.true(listed.stdout.includes(id));
  t.regex(listed.stdout, /github qgis\/plugin-x \(id 812345678, owner 483444\) refs\/heads\/main/);

  const removed = await cli(['publishers', 'remove', resource, id]);
  t.is(removed.code, 0, removed.stderr);
  t.regex(removed.stdout, new RegExp(`removed ${id}`));
  t.is((await exchange(id)).body.error, 'invalid_client');
});

test.serial(
  'tollgate publishers add names the flag a name-only binding lacks, and refuses a missing or doubled CI identity before asking the server',
  async (t) => {
    const nameOnly = await addPublisher(['--ci-issuer', actions.issuer, '--repository', 'qgis/plugin-x']);
    t.is(nameOnly.code, 2);
    t.regex(nameOnly.stderr, /--repository-id: is required: GitHub's immutable repository id/);
    const noUid = await addPublisher(['--ci-issuer', actions.issuer, '--namespace', 'ci', '--service-account', 'publisher']);
    t.is(noUid.code, 2);
    t.regex(noUid.stderr, /--uid: is required/);
    const none = await addPublisher(['--ci-issuer', actions.issuer]);
    t.is(none.code, 2);
    t.regex(none.stderr, /name the CI identity/);
    const both = await addPublisher(['--ci-issuer', actions.issuer, '--repository-id', '1', '--namespace', 'ci']);
    t.is(both.code, 2);
    t.regex(both.stderr, /not both/);
    const unlisted = await addPublisher(['--ci-issuer', 'https://gitlab.example.org', '--repository-id', '1', '--owner-id', '2']);
    t.is(unlisted.code, 2);
    t.regex(unlisted.stderr, /--ci-issuer "https:\/\/gitlab.example.org": .*allows trusted publishers only from/);
    const notMine = await cli(['publishers', 'list', 'https://other.example.org']);
    t.is(notMine.code, 3);
  },
);
