import { setTimeout as sleep } from 'node:timers/promises';

import test from 'ava';
import { decodeJwt } from 'jose';

import { captureLog } from '../helpers/capture-log.ts';
import { dumpRedis } from '../helpers/dump-redis.ts';
import { approveAndPoll, refresh, startUpstreamTestBed, upstreamSecrets, upstreamSignIn, type UpstreamTestBed } from '../helpers/upstream-setup.ts';

// The github upstream type against a local server speaking the GitHub endpoints it calls.
const log = captureLog('trace');
let bed: UpstreamTestBed;

test.before(async () => {
  bed = await startUpstreamTestBed(log, { reverifyAfter: 1 });
});

test.after.always(() => bed?.stop());

test('a GitHub org member signs in; the account is keyed by the numeric user id and a team rule gives max_priority', async (t) => {
  const user = bed.github.setUser('octo');
  const { status, body } = await approveAndPoll(bed, await upstreamSignIn(bed, 'github', 'octo'));
  t.is(status, 200);
  const claims = decodeJwt(body.access_token as string);
  t.deepEqual(claims.max_priority, { release: 8 });
  const account = await bed.server.tollgate.accounts.get(claims.sub as string);
  t.is(account?.username, 'octo');
  t.is(account?.email, 'octo@acme.example', 'the primary verified email');
  t.like(account?.identities?.[0], { upstream: 'github', subject: String(user.id), groups: ['acme-labs', 'acme-labs/release'] });
});

test('a GitHub user outside the required orgs is refused with a page', async (t) => {
  bed.github.setUser('stranger', { orgs: ['elsewhere'], teams: [] });
  const login = await upstreamSignIn(bed, 'github', 'stranger');
  t.is(login.after.status, 403);
  t.regex(login.after.text, /members of these organisations or teams only: acme-labs/);
});

test('access denied on GitHub ends on a page', async (t) => {
  const login = await upstreamSignIn(bed, 'github', 'deny');
  t.is(login.after.status, 403);
  t.regex(login.after.text, /Sign-in cancelled/);
});

test('a team removed on GitHub changes max_priority at the next refresh; a revoked authorization ends the login', async (t) => {
  const user = bed.github.setUser('mover');
  const { body } = await approveAndPoll(bed, await upstreamSignIn(bed, 'github', 'mover'));
  bed.github.users.set('mover', { ...user, teams: [] });
  await sleep(1_100);
  const moved = await refresh(bed, body.refresh_token as string);
  t.is(moved.status, 200);
  t.is(decodeJwt(moved.body.access_token as string).max_priority, undefined);

  bed.github.users.delete('mover');
  await sleep(1_100);
  const ended = await refresh(bed, moved.body.refresh_token as string);
  t.is(ended.status, 400);
  t.is(ended.body.error, 'invalid_grant');
});

test.serial('no GitHub client secret, code or token is in the log or in Redis in plaintext', async (t) => {
  bed.github.setUser('quiet');
  const { body } = await approveAndPoll(bed, await upstreamSignIn(bed, 'github', 'quiet'));
  await sleep(1_100);
  t.is((await refresh(bed, body.refresh_token as string)).status, 200);
  const logged = log.text();
  const { text: stored } = await dumpRedis(bed.redis.url);
  t.true(bed.github.issued.length >= 2);
  for (const value of [upstreamSecrets.github, ...bed.github.issued]) {
    t.false(logged.includes(value), 'in the log');
    t.false(stored.includes(value), 'in Redis');
  }
});
