import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oauth from 'openid-client';

import type { RunningServer } from '../../src/server.ts';
import { adminCall, startAdminTestServer } from './admin-api.ts';
import { approveInBrowser, deviceClient } from './device-login.ts';
import { finished, loginPrompt, spawnCli } from './run-cli.ts';
import { startedPerFile } from './server-per-file.ts';
import { basicAuth, demoPassword, postForm, type TestServerOptions } from './start-server.ts';

export const maintainerPassword = 'long enough password';

/** Accounts with the password above and their max_priority maps, made through the admin API. */
export async function createMaintainers(server: RunningServer, adminToken: string, accounts: Record<string, Record<string, number>>): Promise<void> {
  for (const [id, maxPriority] of Object.entries(accounts)) {
    const created = await adminCall(server, adminToken, 'POST', '/accounts', { id, username: id, password: maintainerPassword, max_priority: maxPriority });
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  }
}

export interface SelfServiceSetup {
  /** On top of a one-second device poll interval. */
  env?: Record<string, string>;
  options?: Pick<TestServerOptions, 'overrides' | 'logger'>;
  /** Each account (with the password above) and its max_priority map; each gets a token for the maintainers' API. */
  maintainers: Record<string, Record<string, number>>;
  /** The resource servers to create, as POST /admin/resources takes them. */
  resources?: ReadonlyArray<Record<string, unknown>>;
}

export interface SelfServiceServer {
  server: RunningServer;
  adminToken: string;
  /** Each maintainer's access token for the maintainers' API. */
  tokensOf: Record<string, string>;
  stop(): Promise<void>;
}

/** tollgate on its own Redis with its maintainers, their resource servers, and each maintainer's token, for the maintainers' API tests. */
async function startSelfServiceServer({ env = {}, options = {}, maintainers, resources = [] }: SelfServiceSetup): Promise<SelfServiceServer> {
  const { server, token: adminToken, stop } = await startAdminTestServer({ TOLLGATE_DEVICE_POLL_INTERVAL: '1', ...env }, options);
  try {
    await createMaintainers(server, adminToken, maintainers);
    for (const body of resources) {
      const made = await adminCall(server, adminToken, 'POST', '/resources', body);
      if (made.status !== 201) throw new Error(JSON.stringify(made.body));
    }
    const tokensOf: Record<string, string> = {};
    for (const name of Object.keys(maintainers)) tokensOf[name] = await maintainerToken(server, name);
    return { server, adminToken, tokensOf, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The same for every test of the file (see startedPerFile); `setup` runs in its before hook. */
export function selfServicePerFile(setup: () => SelfServiceSetup | Promise<SelfServiceSetup>): Omit<SelfServiceServer, 'stop'> {
  const started = startedPerFile(
    'the self-service server',
    async () => startSelfServiceServer(await setup()),
    (running) => running.stop(),
  );
  return {
    get server() {
      return started.value.server;
    },
    get adminToken() {
      return started.value.adminToken;
    },
    get tokensOf() {
      return started.value.tokensOf;
    },
  };
}

/** A person's access token for the maintainers' API, from a device login as `username`. */
export async function maintainerToken(server: RunningServer, username: string, password = maintainerPassword): Promise<string> {
  const config = await deviceClient(server);
  const authorization = await oauth.initiateDeviceAuthorization(config, { resource: 'urn:tollgate:self-service', scope: 'self-service' });
  await approveInBrowser(authorization.verification_uri, authorization.user_code, { username, password });
  return (await oauth.pollDeviceAuthorizationGrant(config, authorization)).access_token;
}

export interface SelfServiceAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { error?: string; error_description?: string; field?: string };
}

/** One call of /self-service with a maintainer's token (none when undefined) and a JSON body. */
export async function selfServiceCall(
  server: RunningServer,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<SelfServiceAnswer> {
  const response = await fetch(`${server.url}/self-service${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as SelfServiceAnswer['body']) : {} };
}

export const tokensPath = (resource: string) => `/resources/${encodeURIComponent(resource)}/tokens`;
export const inDays = (n: number) => new Date(Date.now() + n * 86400_000).toISOString();

/** client_id = the value up to its second underscore; client_secret = the whole value. */
export const clientIdOf = (value: string) => value.slice(0, value.indexOf('_', 5));

/** A resource token turned into an access token with plain client credentials. */
export const resourceTokenGrant = (server: RunningServer, value: string, form: Record<string, string> = {}) =>
  postForm(`${server.url}/token`, { grant_type: 'client_credentials', ...form }, { authorization: basicAuth(clientIdOf(value), value) });

/** `tollgate login` of the demo person for the maintainers' API; the environment (its own config folder) the CLI then runs with. */
export async function selfServiceCliLogin(server: RunningServer, folderPrefix: string): Promise<Record<string, string>> {
  const env = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), folderPrefix)) };
  const child = spawnCli(
    ['login', '--issuer', server.url, '--client-id', 'demo-cli', '--resource', 'urn:tollgate:self-service', '--scope', 'self-service'],
    env,
  );
  const done = finished(child);
  const prompt = await loginPrompt(child);
  if (prompt) await approveInBrowser(prompt.uri, prompt.code, { username: 'demo', password: demoPassword });
  const login = await done;
  if (login.code !== 0) throw new Error(login.stderr);
  return env;
}
