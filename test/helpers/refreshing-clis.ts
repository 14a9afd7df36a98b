import { setTimeout as sleep } from 'node:timers/promises';

import type { RunningServer } from '../../src/server.ts';
import { deviceLogin } from './device-login.ts';
import { postForm } from './start-server.ts';
import { createTestAccount } from './test-principals.ts';
import { TestBrowser } from './test-browser.ts';

/** A logged-in CLI of the outage tests: its current refresh token and what happened to it. */
export interface Cli {
  refreshToken: string;
  refreshed: number;
  retried: number;
  /** Why the login ended, when a refresh answered 400. */
  lost?: string;
}

/** One refresh as `tollgate token` sends it; a connection error is status 0. */
export async function refresh(target: RunningServer, refreshToken: string) {
  try {
    return await postForm(`${target.url}/token`, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'demo-cli' });
  } catch {
    return { status: 0, body: {} as Record<string, unknown> };
  }
}

/** One CLI as `tollgate token` behaves: keeps the new token on 200, retries the same one on anything but 400. */
export async function runCli(target: RunningServer, cli: Cli, running: () => boolean, maxRequests = Infinity): Promise<void> {
  for (let requests = 0; running() && requests < maxRequests; requests += 1) {
    const { status, body } = await refresh(target, cli.refreshToken);
    if (status === 200) {
      cli.refreshToken = body.refresh_token as string;
      cli.refreshed += 1;
    } else if (status === 400) {
      cli.lost = `${String(body.error)}: ${String(body.error_description)}`;
      return;
    } else {
      cli.retried += 1;
      await sleep(100);
    }
  }
}

/** `count` device logins of one new account, as many CLIs of one person. */
export async function loginClis(target: RunningServer, count: number): Promise<Cli[]> {
  const account = await createTestAccount(target);
  const browser = new TestBrowser();
  const clis: Cli[] = [];
  for (let index = 0; index < count; index += 1) {
    const { tokens } = await deviceLogin(target, { browser, username: account.username, password: account.password });
    clis.push({ refreshToken: tokens.refresh_token as string, refreshed: 0, retried: 0 });
  }
  return clis;
}

/** After the outages: refreshes every CLI still logged in until it answers; invalid_grant marks the login lost. */
export async function stillLoggedIn(target: RunningServer, clis: Cli[]): Promise<void> {
  for (const cli of clis.filter((candidate) => !candidate.lost)) {
    let answer = await refresh(target, cli.refreshToken);
    for (let attempt = 0; answer.status !== 200 && answer.status !== 400 && attempt < 100; attempt += 1) {
      await sleep(100);
      answer = await refresh(target, cli.refreshToken);
    }
    if (answer.status !== 200) cli.lost = `after the outages: ${String(answer.body.error)}`;
  }
}
