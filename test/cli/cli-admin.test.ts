import test from 'ava';
import { once } from 'node:events';
import { decodeJwt } from 'jose';

import type { RunningServer } from '../../src/server.ts';
import { runCli, spawnCli, demoAdminEnv } from '../helpers/run-cli.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { basicAuth, postForm, startTestServer } from '../helpers/start-server.ts';
import { freePort } from '../helpers/free-port.ts';

let redis: TestRedis;
let server: RunningServer;
let admin: Record<string, string>;

test.before(async () => {
  redis = await startRedis();
  server = await startTestServer({ redisUrl: redis.url, env: { TOLLGATE_CLIENT_CACHE_MS: '0' } });
  admin = demoAdminEnv(server);
});

test.after.always(async () => {
  await server?.stop();
  await redis?.stop();
});

const cli = (args: string[], input?: string, env: Record<string, string> = {}) => runCli(args, { ...admin, ...env }, input);

test.serial('clients create and update set and clear a device code lifetime (--device-code-ttl)', async (t) => {
  const created = await cli([
    'clients',
    'create',
    'cli-device',
    '--auth-method',
    'none',
    '--grant',
    'device_code',
    '--resource',
    'urn:tollgate:demo',
    '--device-code-ttl',
    '300',
    '--json',
  ]);
  t.is(created.code, 0, created.stderr);
  t.is(created.json().device_code_ttl, 300);
  const cleared = await cli(['clients', 'update', 'cli-device', '--device-code-ttl', 'none', '--json']);
  t.is(cleared.json().device_code_ttl, null);
  const bad = await cli(['clients', 'update', 'cli-device', '--device-code-ttl', 'soon', '--json']);
  t.not(bad.code, 0);
});

test.serial('clients create, get, list, update, rotate-secret, revoke-grants and delete', async (t) => {
  const created = await cli([
    'clients',
    'create',
    'cli-svc',
    '--resource',
    'urn:tollgate:demo',
    '--default-resource',
    'urn:tollgate:demo',
    '--scope',
    'demo:read',
    '--max-priority',
    'default=4',
    '--json',
  ]);
  t.is(created.code, 0, created.stderr);
  const secret = created.json().client_secret as string;
  const issued = await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('cli-svc', secret) });
  t.deepEqual(decodeJwt(issued.body.access_token as string).max_priority, { default: 4 });

  const human = await cli(['clients', 'get', 'cli-svc']);
  t.is(human.code, 0);
  t.regex(human.stdout, /^client_id: +cli-svc$/m);
  t.false(human.stdout.includes(secret));

  const listed = await cli(['clients', 'list', '--json']);
  t.true(listed.json<Array<{ client_id: string }>>().some((client) => client.client_id === 'cli-svc'));
  t.regex((await cli(['clients', 'list'])).stdout, /^CLIENT_ID +NAME/);

  const updated = await cli(['clients', 'update', 'cli-svc', '--max-priority', 'none', '--disable', '--json']);
  t.is(updated.code, 0, updated.stderr);
  t.is(updated.json().max_priority, null);
  t.is(updated.json().disabled, true);
  t.is((await cli(['clients', 'update', 'cli-svc', '--enable', '--json'])).json().disabled, false);

  const rotated = await cli(['clients', 'rotate-secret', 'cli-svc', '--overlap', '60', '--json']);
  t.is(rotated.code, 0);
  t.not(rotated.json().client_secret, secret);
  t.is((rotated.json().previous_secrets_expire_at as string[]).length, 1);

  const revoked = await cli(['clients', 'revoke-grants', 'cli-svc', '--json']);
  t.is(revoked.json().revoked_grants, 0);

  const deleted = await cli(['clients', 'delete', 'cli-svc', '--json']);
  t.is(deleted.code, 0);
  t.is(deleted.json().deleted, true);
  t.is((await cli(['clients', 'get', 'cli-svc'])).code, 4);
});

test.serial('clients create --grant token-exchange --serves, and update --serves', async (t) => {
  const created = await cli([
    'clients',
    'create',
    'cli-gateway',
    '--grant',
    'token-exchange',
    '--serves',
    'urn:tollgate:demo',
    '--resource',
    'urn:tollgate:demo',
    '--json',
  ]);
  t.is(created.code, 0, created.stderr);
  t.deepEqual(created.json().grant_types, ['urn:ietf:params:oauth:grant-type:token-exchange']);
  t.deepEqual(created.json().serves, ['urn:tollgate:demo']);
  const refused = await cli(['clients', 'update', 'cli-gateway', '--serves', 'urn:nowhere', '--json']);
  t.not(refused.code, 0);
  t.regex(refused.stderr, /^tollgate: --serves "urn:nowhere": /);
  t.is((await cli(['clients', 'delete', 'cli-gateway', '--json'])).code, 0);
});

test.serial('clients registration-token issues an initial access token', async (t) => {
  const run = await cli(['clients', 'registration-token', '--resource', 'urn:tollgate:demo', '--single-use', '--json']);
  t.is(run.code, 0, run.stderr);
  t.truthy(run.json().initial_access_token);
  t.is(run.json().single_use, true);
});

test.serial('accounts create (password from stdin), get, list, update, set-password, revoke-grants, delete', async (t) => {
  const created = await cli(
    ['accounts', 'create', 'ada', '--id', 'ada', '--name', 'Ada', '--max-priority', '{"default":2}', '--password-stdin', '--json'],
    'ada password one\n',
  );
  t.is(created.code, 0, created.stderr);
  t.deepEqual(created.json().max_priority, { default: 2 });
  t.truthy(await server.tollgate.accounts.authenticate('ada', 'ada password one'));

  t.is((await cli(['accounts', 'get', 'ada', '--json'])).json().name, 'Ada');
  t.true((await cli(['accounts', 'list', '--json'])).json<Array<{ id: string }>>().some((account) => account.id === 'ada'));

  const updated = await cli(['accounts', 'update', 'ada', '--max-priority', 'default=7,nightly=1', '--name', 'none', '--json']);
  t.deepEqual(updated.json().max_priority, { default: 7, nightly: 1 });
  t.is(updated.json().name, null);

  const changed = await cli(['accounts', 'set-password', 'ada', '--password-env', 'NEW_PASSWORD', '--revoke-grants', '--json'], undefined, {
    NEW_PASSWORD: 'ada password two',
  });
  t.is(changed.code, 0, changed.stderr);
  t.truthy(await server.tollgate.accounts.authenticate('ada', 'ada password two'));

  t.is((await cli(['accounts', 'revoke-grants', 'ada', '--json'])).json().revoked_grants, 0);
  t.is((await cli(['accounts', 'delete', 'ada', '--json'])).code, 0);
  t.is((await cli(['accounts', 'get', 'ada'])).code, 4);
});

test.serial('accounts create --generate-password prints the password once', async (t) => {
  const created = await cli(['accounts', 'create', 'generated-person', '--generate-password']);
  t.is(created.code, 0, created.stderr);
  const password = /^password: (\S+)$/m.exec(created.stdout)?.[1] as string;
  t.truthy(await server.tollgate.accounts.authenticate('generated-person', password));
});

test.serial('resources create, get, list, update and delete', async (t) => {
  const created = await cli(['resources', 'create', 'https://cli.example/api', '--name', 'CLI API', '--scope', 'a,b', '--ttl', '120', '--json']);
  t.is(created.code, 0, created.stderr);
  t.deepEqual(created.json().scopes, ['a', 'b']);
  t.is((await cli(['resources', 'get', 'https://cli.example/api', '--json'])).json().access_token_ttl, 120);
  t.true(
    (await cli(['resources', 'list', '--json'])).json<Array<{ identifier: string }>>().some((resource) => resource.identifier === 'https://cli.example/api'),
  );
  t.is((await cli(['resources', 'update', 'https://cli.example/api', '--ttl', 'none', '--json'])).json().access_token_ttl, null);
  t.is((await cli(['resources', 'delete', 'https://cli.example/api', '--json'])).code, 0);
  t.is((await cli(['resources', 'get', 'https://cli.example/api'])).code, 4);
});

test.serial('bad input is exit 2 with one line naming the field, and the error as JSON with --json', async (t) => {
  const run = await cli(['clients', 'create', 'typo', '--scope', 'nope', '--json']);
  t.is(run.code, 2);
  t.is(run.stderr.trim().split('\n').length, 1);
  t.regex(run.stderr, /^tollgate: --scope "nope": /);
  t.is(run.json().error, 'invalid_field');
});

test.serial('a conflict is exit 5', async (t) => {
  await cli(['clients', 'create', 'dupe']);
  t.is((await cli(['clients', 'create', 'dupe'])).code, 5);
});

test.serial('wrong admin credentials are exit 3; none at all exit 2; an unreachable server exit 6', async (t) => {
  const wrong = await cli(['clients', 'list'], undefined, { TOLLGATE_ADMIN_CLIENT_SECRET: 'wrong' });
  t.is(wrong.code, 3);
  t.regex(wrong.stderr, /invalid_client/);
  const none = await runCli(['clients', 'list'], { TOLLGATE_URL: server.url });
  t.is(none.code, 2);
  const unreachable = await cli(['clients', 'list'], undefined, { TOLLGATE_URL: `http://127.0.0.1:${await freePort()}` });
  t.is(unreachable.code, 6);
  t.regex(unreachable.stderr, /^tollgate: cannot reach/);
});

test.serial('unknown commands and options are usage errors (exit 2)', async (t) => {
  t.is((await runCli(['frobnicate'])).code, 2);
  t.is((await runCli(['clients', 'frobnicate'])).code, 2);
  const option = await runCli(['clients', 'list', '--colour']);
  t.is(option.code, 2);
  t.regex(option.stderr, /colour/);
  t.is((await runCli(['clients', 'get'])).code, 2, 'a missing argument');
});

test.serial("the usage text lists each command group under the credentials it uses: the maintainers' own login apart from the admin API", async (t) => {
  const top = await runCli(['--help']);
  const sections = Object.fromEntries(
    top.stdout
      .split('\n\n')
      .map((section) => [section.split('\n')[0] as string, [...section.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((match) => match[1] as string)]),
  );
  const heading = (start: string) => Object.keys(sections).find((line) => line.startsWith(start)) as string;
  t.regex(heading('Manage the APIs you maintain'), /self-service API; your own login/);
  t.deepEqual(sections[heading('Manage the APIs you maintain')], ['resource-tokens', 'publishers']);
  t.regex(heading('Administer'), /TOLLGATE_ADMIN_CLIENT_ID/);
  t.deepEqual(sections[heading('Administer')], ['clients', 'accounts', 'resources', 'keys', 'trusted-issuers', 'seed', 'upstreams']);
});

test.serial('every command has --help', async (t) => {
  const top = await runCli(['--help']);
  t.is(top.code, 0);
  const words = [...top.stdout.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((match) => match[1] as string);
  t.true(words.length >= 9);
  const groups = await Promise.all(words.map(async (word) => ({ word, help: await runCli([word, '--help']) })));
  const subcommands: string[][] = [];
  for (const { word, help } of groups) {
    t.is(help.code, 0, word);
    t.regex(help.stdout, /^usage: tollgate/, word);
    if (/<command>/.test(help.stdout)) subcommands.push(...[...help.stdout.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((match) => [word, match[1] as string]));
  }
  t.true(subcommands.length >= 25);
  // Three at a time: each is a whole Node process, and the machine is shared.
  for (let index = 0; index < subcommands.length; index += 3) {
    const batch = subcommands.slice(index, index + 3);
    const runs = await Promise.all(batch.map((words) => runCli([...words, '--help'])));
    runs.forEach((help, position) => {
      const [word, sub] = batch[position] as [string, string];
      t.is(help.code, 0, `${word} ${sub}`);
      t.regex(help.stdout, new RegExp(`^usage: tollgate ${word} ${sub}`), `${word} ${sub}`);
    });
  }
});

test.serial('seed hash-secret and hash-password make values the seed accepts', async (t) => {
  const secret = await runCli(['seed', 'hash-secret', '--json']);
  t.regex(secret.json().secretHash as string, /^sha256:[A-Za-z0-9_-]{43}$/);
  const password = await runCli(['seed', 'hash-password', '--password-stdin'], {}, 'a long password\n');
  t.is(password.code, 0);
  t.regex(password.stdout.trim(), /^scrypt\$32768\$8\$1\$/);
});

test.serial('serve starts the server, which answers and stops on SIGTERM', async (t) => {
  const child = spawnCli(['serve'], { PORT: '0', TOLLGATE_HOST: '127.0.0.1', TOLLGATE_DEMO: 'true', TOLLGATE_CONFIG_FILE: '', TOLLGATE_LOG_LEVEL: 'warn' });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let output = '';
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    // Generous: on a loaded machine a cold start (three ephemeral keys, an scrypt hash) is slow.
    const timer = setTimeout(() => reject(new Error(`no banner after 45 s: ${output}${errors}`)), 45_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /running at (http:\/\/\S+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1] as string);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${output}${errors}`));
    });
  });
  t.regex(output, /demo admin client: +demo-admin \/ \S+/);
  t.is((await fetch(`${url}/healthz`)).status, 200);
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = await exited;
  t.is(code, 0);
});

test.serial('list commands follow cursors page by page and pass their filters', async (t) => {
  for (const id of ['paged-1', 'paged-2', 'paged-3']) t.is((await cli(['clients', 'create', id, '--json'])).code, 0);
  const whole = await cli(['clients', 'list', '--json']);
  const paged = await cli(['clients', 'list', '--json'], undefined, { TOLLGATE_CLI_PAGE_SIZE: '1' });
  t.is(paged.code, 0, paged.stderr);
  // The admin client's own last use moves while the lists run (each CLI call authenticates,
  // and the stamp is written at most once a minute), so it is left out of the comparison.
  const withoutLastUse = (list: Array<Record<string, unknown>>) => list.map(({ last_used_at: _lastUsed, ...client }) => client);
  t.deepEqual(withoutLastUse(paged.json<Array<Record<string, unknown>>>()), withoutLastUse(whole.json<Array<Record<string, unknown>>>()));
  t.true(whole.json<unknown[]>().length >= 4);
  const found = await cli(['clients', 'list', '--search', 'PAGED-', '--enabled', '--json'], undefined, { TOLLGATE_CLI_PAGE_SIZE: '2' });
  t.deepEqual(
    found.json<Array<{ client_id: string }>>().map((client) => client.client_id),
    ['paged-1', 'paged-2', 'paged-3'],
  );
  const accounts = await cli(['accounts', 'list', '--json'], undefined, { TOLLGATE_CLI_PAGE_SIZE: '1' });
  t.true(accounts.json<Array<{ username: string }>>().some((account) => account.username === 'demo'));
  const resources = await cli(['resources', 'list', '--search', 'admin', '--json']);
  t.deepEqual(
    resources.json<Array<{ identifier: string }>>().map((resource) => resource.identifier),
    ['urn:tollgate:admin'],
  );
});

test.serial('registration tokens are listed without the token and can be revoked', async (t) => {
  const issued = await cli(['clients', 'registration-token', '--resource', 'urn:tollgate:demo', '--json']);
  t.is(issued.code, 0, issued.stderr);
  const { id, initial_access_token: token } = issued.json<{ id: string; initial_access_token: string }>();
  const listed = await cli(['clients', 'registration-tokens']);
  t.true(listed.stdout.includes(id));
  t.false(listed.stdout.includes(token));
  const revoked = await cli(['clients', 'revoke-registration-token', id]);
  t.is(revoked.code, 0, revoked.stderr);
  t.regex(revoked.stdout, new RegExp(`revoked registration token ${id}`));
  t.false((await cli(['clients', 'registration-tokens', '--json'])).stdout.includes(id));
});
