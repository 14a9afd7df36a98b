import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oauth from 'openid-client';

import type { RunningServer } from '../../src/server.ts';
import { approveInBrowser, deviceClient } from './device-login.ts';
import { finished, loginPrompt, spawnCli } from './run-cli.ts';
import { demoPassword } from './start-server.ts';

/** A person's access token for the maintainers' API, from a device login as `username`. */
export async function maintainerToken(server: RunningServer, username: string, password = 'long enough password'): Promise<string> {
  const config = await deviceClient(server);
  const authorization = await oauth.initiateDeviceAuthorization(config, { resource: 'urn:tollgate:self-service', scope: 'self-service' });
  await approveInBrowser(authorization.verification_uri, authorization.user_code, { username, password });
  return (await oauth.pollDeviceAuthorizationGrant(config, authorization)).access_token;
}

export interface SelfServiceAnswer {
  status: number;
  body: Record<string, unknown> & { error?: string; error_description?: string; field?: string };
}

/** One call of /self-service with a maintainer's token (none when undefined) and a JSON body. */
export async function selfServiceCall(server: RunningServer, token: string | undefined, method: string, path: string, body?: unknown): Promise<SelfServiceAnswer> {
  const response = await fetch(`${server.url}/self-service${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as SelfServiceAnswer['body']) : {} };
}

/** `tollgate login` of the demo person for the maintainers' API; the environment (its own config folder) the CLI then runs with. */
export async function selfServiceCliLogin(server: RunningServer, folderPrefix: string): Promise<Record<string, string>> {
  const env = { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), folderPrefix)) };
  const child = spawnCli(['login', '--issuer', server.url, '--client-id', 'demo-cli', '--resource', 'urn:tollgate:self-service', '--scope', 'self-service'], env);
  const done = finished(child);
  const prompt = await loginPrompt(child);
  if (prompt) await approveInBrowser(prompt.uri, prompt.code, { username: 'demo', password: demoPassword });
  const login = await done;
  if (login.code !== 0) throw new Error(login.stderr);
  return env;
}
