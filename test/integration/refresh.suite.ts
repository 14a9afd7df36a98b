import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { decodeJwt } from 'jose';

import type { RunningServer } from '../../src/server.ts';
import { approveInBrowser, deviceLogin, pollToken, startDeviceAuthorization, startDeviceServer, type StoreKind } from '../helpers/device-login.ts';
import { deviceServerPerFile } from '../helpers/server-per-file.ts';
import { postForm } from '../helpers/start-server.ts';
import { createTestAccount } from '../helpers/test-principals.ts';
import { TestBrowser } from '../helpers/test-browser.ts';

/** Rotating refresh tokens and one-time device codes (SPEC §2, §4), against one store kind. */
export function refreshSuite(kind: StoreKind) {
  const shared = deviceServerPerFile(kind);

  const refresh = (refreshToken: string, target: RunningServer = shared.server) =>
    postForm(`${target.url}/token`, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'demo-cli' });

  async function loginAs(target: RunningServer = shared.server, maxPriority?: Record<string, number>) {
    const account = await createTestAccount(target, maxPriority);
    const { tokens } = await deviceLogin(target, { username: account.username, password: account.password });
    return { account, tokens, refreshToken: tokens.refresh_token as string };
  }

  test('every refresh rotates the refresh token and issues a fresh JWT', async (t) => {
    const { refreshToken } = await loginAs();
    const first = await refresh(refreshToken);
    t.is(first.status, 200);
    t.not(first.body.refresh_token, refreshToken);
    const second = await refresh(first.body.refresh_token as string);
    t.is(second.status, 200);
    t.not(second.body.refresh_token, first.body.refresh_token);
    t.is(decodeJwt(second.body.access_token as string).aud, 'urn:tollgate:demo');
  });

  test('a refresh token two rotations old, presented with a scope it was granted, is still reuse and revokes the grant', async (t) => {
    const { refreshToken } = await loginAs();
    const first = await refresh(refreshToken);
    const second = await refresh(first.body.refresh_token as string);
    t.is(second.status, 200);
    const replay = await postForm(`${shared.server.url}/token`, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: 'demo-cli',
      scope: first.body.scope as string,
    });
    t.is(replay.body.error, 'invalid_grant');
    t.is((await refresh(second.body.refresh_token as string)).body.error, 'invalid_grant', 'the whole login was revoked');
  });

  test('a reused refresh token, presented after its successor was used, is invalid_grant and revokes the whole grant', async (t) => {
    const { refreshToken } = await loginAs();
    const rotated = await refresh(refreshToken);
    t.is(rotated.status, 200);
    const next = await refresh(rotated.body.refresh_token as string);
    t.is(next.status, 200);
    const reuse = await refresh(refreshToken);
    t.is(reuse.status, 400);
    t.is(reuse.body.error, 'invalid_grant');
    const live = await refresh(next.body.refresh_token as string);
    t.is(live.status, 400, 'the live successor went with the grant');
    t.is(live.body.error, 'invalid_grant');
  });

  test('a retry of a refresh token whose answer was lost continues the login; the lost successor is then reuse and revokes the grant', async (t) => {
    const { refreshToken } = await loginAs();
    const lost = await refresh(refreshToken);
    t.is(lost.status, 200);
    const retry = await refresh(refreshToken);
    t.is(retry.status, 200, 'the successor was never used: a retry, not a replay');
    const next = await refresh(retry.body.refresh_token as string);
    t.is(next.status, 200);
    const replayed = await refresh(lost.body.refresh_token as string);
    t.is(replayed.body.error, 'invalid_grant', 'two parties held successors of one token');
    t.is((await refresh(next.body.refresh_token as string)).body.error, 'invalid_grant');
  });

  test('a refresh refused after its successor was built (a resource its grant lacks) leaves the token as it was', async (t) => {
    const { refreshToken } = await loginAs();
    const refused = await postForm(`${shared.server.url}/token`, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: 'demo-cli',
      resource: 'urn:tollgate:not-granted',
    });
    t.is(refused.status, 400);
    t.is(refused.body.error, 'invalid_target');
    const next = await refresh(refreshToken);
    t.is(next.status, 200, 'not a retry: the refused request rotated nothing');
    t.is((await refresh(next.body.refresh_token as string)).status, 200);
  });

  test('20 concurrent refreshes of one token all answer, only one successor lives, and a replaced one revokes the grant', async (t) => {
    const { refreshToken } = await loginAs();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => refresh(refreshToken)));
    t.deepEqual(new Set(outcomes.map((outcome) => outcome.status)), new Set([200]));
    // Presented one after another: at most the live one succeeds, and only if it comes before
    // any replaced one (which revokes the grant, the live successor with it).
    const next = [];
    for (const outcome of outcomes) next.push(await refresh(outcome.body.refresh_token as string));
    t.true(next.filter((answer) => answer.status === 200).length <= 1);
    t.true(next.filter((answer) => answer.body.error === 'invalid_grant').length >= 19);
    for (const answer of next.filter((candidate) => candidate.status === 200))
      t.is((await refresh(answer.body.refresh_token as string)).body.error, 'invalid_grant');
  });

  test('20 concurrent redemptions of one approved device code: exactly one succeeds, the grant is revoked', async (t) => {
    const authorization = await startDeviceAuthorization(shared.server);
    await approveInBrowser(authorization.verification_uri, authorization.user_code);
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => pollToken(shared.server, authorization.device_code)));
    const successes = outcomes.filter((outcome) => outcome.status === 200);
    t.is(successes.length, 1);
    for (const outcome of outcomes.filter((candidate) => candidate.status !== 200)) t.is(outcome.body.error, 'invalid_grant');
    const afterwards = await refresh(successes[0]?.body.refresh_token as string);
    t.is(afterwards.body.error, 'invalid_grant');
  });

  test('a max_priority changed in the account store shows in the next refreshed token', async (t) => {
    const { account, tokens, refreshToken } = await loginAs(shared.server, { default: 3 });
    t.deepEqual(decodeJwt(tokens.access_token).max_priority, { default: 3 });
    const stored = await shared.server.tollgate.accounts.get(account.id);
    await shared.server.tollgate.accounts.save({ ...stored!, maxPriority: { default: 7, 'gpu-large': 1 }, updatedAt: new Date().toISOString() });
    const refreshed = await refresh(refreshToken);
    t.is(refreshed.status, 200);
    const claims = decodeJwt(refreshed.body.access_token as string);
    t.deepEqual(claims.max_priority, { default: 7, 'gpu-large': 1 });
    t.is(claims.sub, account.id);
  });

  test('a disabled account cannot refresh', async (t) => {
    const { account, refreshToken } = await loginAs();
    const stored = await shared.server.tollgate.accounts.get(account.id);
    await shared.server.tollgate.accounts.save({ ...stored!, disabled: true });
    const refreshed = await refresh(refreshToken);
    t.is(refreshed.status, 400);
    t.is(refreshed.body.error, 'invalid_grant');
  });

  test('a deleted account cannot refresh', async (t) => {
    const { account, refreshToken } = await loginAs();
    t.true(await shared.server.tollgate.accounts.delete(account.id));
    const refreshed = await refresh(refreshToken);
    t.is(refreshed.status, 400);
    t.is(refreshed.body.error, 'invalid_grant');
  });

  test('another client cannot use the refresh token', async (t) => {
    const { refreshToken } = await loginAs();
    const stolen = await postForm(`${shared.server.url}/token`, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'evil-elsewhere' });
    t.is(stolen.status, 401);
    t.is(stolen.body.error, 'invalid_client');
  });

  test('refresh tokens outlive the browser session, and a second device approved in it does not end the first', async (t) => {
    const account = await createTestAccount(shared.server);
    const browser = new TestBrowser();
    const first = await deviceLogin(shared.server, { browser, username: account.username, password: account.password });
    const second = await deviceLogin(shared.server, { browser });
    t.is((await refresh(first.tokens.refresh_token as string)).status, 200);
    t.is((await refresh(second.tokens.refresh_token as string)).status, 200);
  });

  async function withServer(env: Record<string, string>, run: (target: RunningServer) => Promise<void>) {
    const target = await startDeviceServer(shared.store.redisUrl, { ...env, TOLLGATE_REDIS_PREFIX: `ttl${Math.random().toString(36).slice(2, 8)}:` });
    try {
      await run(target);
    } finally {
      await target.stop();
    }
  }

  test('a refresh token unused for its lifetime expires, and each rotation starts the lifetime again', async (t) => {
    // Lifetimes count whole seconds from a floored iat: an 8 s token lives between 7 and 8 s.
    // The margins (2.5 s either way) leave room for a loaded machine.
    await withServer({ TOLLGATE_REFRESH_TOKEN_TTL: '8' }, async (target) => {
      const idle = await loginAs(target);
      const active = await loginAs(target);
      await sleep(4_000);
      const first = await refresh(active.refreshToken, target);
      t.is(first.status, 200);
      await sleep(4_500);
      t.is((await refresh(idle.refreshToken, target)).body.error, 'invalid_grant', 'idle past the lifetime');
      const rotated = await refresh(first.body.refresh_token as string, target);
      t.is(rotated.status, 200, `rotated 4.5 s ago: ${JSON.stringify(rotated.body)}`);
    });
  });

  test('a refresh token presented again later than the reuse interval is reuse, though its successor is unused', async (t) => {
    await withServer({ TOLLGATE_REFRESH_TOKEN_REUSE_INTERVAL: '1' }, async (target) => {
      const { refreshToken } = await loginAs(target);
      const rotated = await refresh(refreshToken, target);
      t.is(rotated.status, 200);
      await sleep(1_500);
      const late = await refresh(refreshToken, target);
      t.is(late.status, 400);
      t.is(late.body.error, 'invalid_grant');
      t.is((await refresh(rotated.body.refresh_token as string, target)).body.error, 'invalid_grant', 'the grant is revoked');
    });
  });

  test('no rotation extends a refresh token past the absolute cap', async (t) => {
    await withServer({ TOLLGATE_REFRESH_TOKEN_TTL: '600', TOLLGATE_REFRESH_TOKEN_ABSOLUTE_TTL: '10' }, async (target) => {
      const { refreshToken } = await loginAs(target);
      const started = Date.now();
      const at = (ms: number) => sleep(Math.max(0, started + ms - Date.now()));
      await at(1_000);
      let current = await refresh(refreshToken, target);
      t.is(current.status, 200);
      await at(2_000);
      current = await refresh(current.body.refresh_token as string, target);
      t.is(current.status, 200);
      await at(11_000);
      const late = await refresh(current.body.refresh_token as string, target);
      t.is(late.status, 400, 'rotated 9 s ago with a 600 s lifetime, but past the 10 s cap');
      t.is(late.body.error, 'invalid_grant');
    });
  });
}
