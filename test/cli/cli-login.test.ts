import test from 'ava';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';

import { approveInBrowser } from '../helpers/device-login.ts';
import { finished, runCli, spawnCli, type CliRun, loginPrompt } from '../helpers/run-cli.ts';
import { serverOnRedisPerFile } from '../helpers/server-per-file.ts';
import { demoPassword, postForm, startTestServer } from '../helpers/start-server.ts';
import { createTestAccount, unique } from '../helpers/test-principals.ts';

const shared = serverOnRedisPerFile({ start: (redisUrl) => startTestServer({ redisUrl, env: { TOLLGATE_DEVICE_POLL_INTERVAL: '1' } }) });

const demo = { username: 'demo', password: demoPassword };

function home(): Record<string, string> {
  return { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'tollgate-cli-')) };
}

interface LoginOptions {
  decision?: 'approve' | 'deny';
  clientId?: string;
  person?: { username: string; password: string };
  scope?: string;
  /** Ask for --json output (the default); false for what a person reads. */
  json?: boolean;
}

/** Runs `tollgate login`, completing the pages in the test-side browser once the code shows. */
async function login(
  env: Record<string, string>,
  { decision = 'approve', clientId = 'demo-cli', person = demo, scope, json = true }: LoginOptions = {},
): Promise<CliRun> {
  const options = [...(scope ? ['--scope', scope] : []), ...(json ? ['--json'] : [])];
  const child = spawnCli(['login', '--issuer', shared.server.url, '--client-id', clientId, ...options], env);
  const done = finished(child);
  const prompt = await loginPrompt(child);
  if (prompt) await approveInBrowser(prompt.uri, prompt.code, { username: person.username, password: person.password, decision });
  return done;
}

const credentialsFile = (env: Record<string, string>) => join(env.XDG_CONFIG_HOME as string, 'tollgate', 'credentials.json');
const storedSession = (env: Record<string, string>) =>
  Object.values(
    (JSON.parse(readFileSync(credentialsFile(env), 'utf8')) as { sessions: Record<string, { refreshToken: string; accessToken: string; username?: string }> })
      .sessions,
  )[0];

test.serial('login stores the refresh token with mode 0600, token prints it, logout revokes it', async (t) => {
  const env = home();
  const loggedIn = await login(env);
  t.is(loggedIn.code, 0, loggedIn.stderr);
  t.like(loggedIn.json(), { subject: 'demo', username: 'demo' });
  t.regex(loggedIn.stderr, /enter the code/);

  t.is(statSync(credentialsFile(env)).mode & 0o777, 0o600);
  t.is(statSync(join(env.XDG_CONFIG_HOME as string, 'tollgate')).mode & 0o777, 0o700);
  const session = storedSession(env);
  t.truthy(session?.refreshToken);

  const token = await runCli(['token'], env);
  t.is(token.code, 0, token.stderr);
  t.is(token.stdout.trim(), session?.accessToken as string, 'a fresh token is printed as is, without a refresh');
  t.is(decodeJwt(token.stdout.trim()).sub, 'demo');

  const refreshed = await runCli(['token', '--min-valid', '100000', '--json'], env);
  t.is(refreshed.code, 0, refreshed.stderr);
  t.not(refreshed.json().access_token, session?.accessToken);
  t.not(storedSession(env)?.refreshToken, session?.refreshToken, 'the refresh token rotated');
  t.is(statSync(credentialsFile(env)).mode & 0o777, 0o600, 'still 0600 after a rewrite');

  const status = await runCli(['status', '--json'], env);
  t.is(status.code, 0, status.stderr);
  t.like(status.json(), {
    issuer: shared.server.url,
    client_id: 'demo-cli',
    subject: 'demo',
    username: 'demo',
    access_token_expired: false,
    refresh_token: 'stored',
  });
  t.true(Date.parse(status.json().access_token_expires_at as string) > Date.now());
  t.regex((await runCli(['status'], env)).stdout, /^Logged in to \S+ as demo \(access token valid until /);

  const refreshToken = storedSession(env)?.refreshToken as string;
  const out = await runCli(['logout', '--json'], env);
  t.is(out.code, 0, out.stderr);
  t.is((out.json().logged_out as unknown[]).length, 1);
  const reuse = await postForm(`${shared.server.url}/token`, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'demo-cli' });
  t.is(reuse.body.error, 'invalid_grant', 'revoked at the server');

  const after = await runCli(['token'], env);
  t.is(after.code, 3);
  t.regex(after.stderr, /^tollgate: not logged in/);
  t.is((await runCli(['status'], env)).code, 3, 'status without a login');
});

test.serial('login and status greet the person by username from the ID token; the access token does not carry it', async (t) => {
  const account = await createTestAccount(shared.server, { default: 1 }, { username: unique('ada'), name: 'Ada Lovelace' });
  t.not(account.username, account.id);
  const env = home();
  const loggedIn = await login(env, { person: account, json: false });
  t.is(loggedIn.code, 0, loggedIn.stderr);
  t.true(loggedIn.stdout.startsWith(`Logged in to ${shared.server.url} as ${account.username}.\n`), loggedIn.stdout);
  t.regex(loggedIn.stdout, new RegExp(`^subject: +${account.id}$`, 'm'));

  const session = storedSession(env);
  t.is(session?.username, account.username);
  const access = decodeJwt(session?.accessToken as string);
  t.is(access.sub, account.id);
  t.is(access.scope, 'demo:read demo:write', 'asking for openid profile kept the default API scopes');
  for (const claim of ['preferred_username', 'name', 'email']) t.false(claim in access, claim);

  const status = await runCli(['status', '--json'], env);
  t.is(status.code, 0, status.stderr);
  t.like(status.json(), { subject: account.id, username: account.username });
  t.true((await runCli(['status'], env)).stdout.startsWith(`Logged in to ${shared.server.url} as ${account.username} (access token valid until `));

  // The ID token of a refresh is checked against the server's algorithms (ES256 here, not openid-client's RS256 default).
  const renamed = unique('lovelace');
  const { password: _password, ...record } = account;
  t.true(await shared.server.tollgate.accounts.save({ ...record, username: renamed, updatedAt: new Date().toISOString() }, account.username));
  const refreshed = await runCli(['token', '--min-valid', '100000'], env);
  t.is(refreshed.code, 0, refreshed.stderr);
  t.false('preferred_username' in decodeJwt(refreshed.stdout.trim()));
  t.is((await runCli(['status', '--json'], env)).json().username, renamed, 'a new username shows from the next refresh');
});

test.serial('login --scope asks for those scopes plus openid profile, so the greeting still has the username', async (t) => {
  const env = home();
  const loggedIn = await login(env, { scope: 'demo:read' });
  t.is(loggedIn.code, 0, loggedIn.stderr);
  t.like(loggedIn.json(), { subject: 'demo', username: 'demo', scope: 'demo:read' });
  t.is(decodeJwt(storedSession(env)?.accessToken as string).scope, 'demo:read');
});

test.serial('concurrent token commands take turns and never trip refresh-token reuse detection', async (t) => {
  const env = home();
  t.is((await login(env)).code, 0);
  // Every one must refresh (min-valid beyond the token's lifetime), all at once.
  const runs = await Promise.all(Array.from({ length: 4 }, () => runCli(['token', '--min-valid', '100000', '--json'], env)));
  for (const run of runs) t.is(run.code, 0, run.stderr);
  t.is(new Set(runs.map((run) => run.json().access_token)).size, 4, 'four refreshes, one after another');
  const after = await runCli(['token', '--min-valid', '100000'], env);
  t.is(after.code, 0, 'the grant was not revoked');
});

test.serial('a denied login is exit 3 and stores nothing', async (t) => {
  const env = home();
  const denied = await login(env, { decision: 'deny' });
  t.is(denied.code, 3);
  t.regex(denied.stderr, /denied/);
  t.is(denied.json().error, 'unauthorized');
  t.is((await runCli(['token'], env)).code, 3);
});

test.serial('login through an unknown client is exit 3 and says there is no such client', async (t) => {
  const run = await login(home(), { clientId: 'no-such-client' });
  t.is(run.code, 3);
  t.regex(run.stderr, /^tollgate: no such client: .* has no device-login client "no-such-client"/);
});

test.serial('a login the server ended is forgotten by token, with exit 3', async (t) => {
  const env = home();
  t.is((await login(env)).code, 0);
  await postForm(`${shared.server.url}/token/revocation`, {
    token: storedSession(env)?.refreshToken as string,
    token_type_hint: 'refresh_token',
    client_id: 'demo-cli',
  });
  const run = await runCli(['token', '--min-valid', '100000'], env);
  t.is(run.code, 3);
  t.regex(run.stderr, /login has ended/);
  t.regex((await runCli(['token'], env)).stderr, /not logged in/);
});

test.serial('login without --issuer is a usage error', async (t) => {
  const run = await runCli(['login', '--client-id', 'demo-cli'], home());
  t.is(run.code, 2);
});
