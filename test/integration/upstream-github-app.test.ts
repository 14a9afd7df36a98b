import { setTimeout as sleep } from 'node:timers/promises';

import test from 'ava';

import { captureLog } from '../helpers/capture-log.ts';
import { dumpRedis } from '../helpers/dump-redis.ts';
import { approveAndPoll, refresh, startUpstreamTestBed, upstreamSecrets, upstreamSignIn, type UpstreamTestBed } from '../helpers/upstream-setup.ts';

// A GitHub App's user tokens expire after 8 hours and come with a refresh token: an expired one
// is renewed at re-check, and only a refused refresh ends the login. reverifyAfter is 1 s.
const log = captureLog('trace');
let bed: UpstreamTestBed;

test.before(async () => {
  bed = await startUpstreamTestBed(log, { reverifyAfter: 1, githubApp: true });
});

test.after.always(() => bed?.stop());

async function signedIn(login: string) {
  const { status, body } = await approveAndPoll(bed, await upstreamSignIn(bed, 'github', login));
  if (status !== 200) throw new Error(`sign-in of ${login}: ${status} ${JSON.stringify(body)}`);
  return body.refresh_token as string;
}

test.serial('an expired GitHub App user token is refreshed at re-check and the login goes on, twice in a row', async (t) => {
  bed.github.setUser('app-user');
  let refreshToken = await signedIn('app-user');
  for (const round of [1, 2]) {
    bed.github.expireAccessTokens();
    await sleep(1_100);
    const before = bed.github.refreshes;
    const refreshed = await refresh(bed, refreshToken);
    t.is(refreshed.status, 200, `round ${round}: ${JSON.stringify(refreshed.body)}`);
    t.is(bed.github.refreshes, before + 1, `round ${round}: the stored (rotated) refresh token was used`);
    refreshToken = refreshed.body.refresh_token as string;
  }
});

test.serial('a GitHub App login whose refresh token GitHub refuses ends at re-check', async (t) => {
  bed.github.setUser('gone-user');
  const refreshToken = await signedIn('gone-user');
  bed.github.expireAccessTokens();
  bed.github.users.delete('gone-user');
  await sleep(1_100);
  const refused = await refresh(bed, refreshToken);
  t.is(refused.status, 400);
  t.is(refused.body.error, 'invalid_grant');
  const ended = log.lines(/^security event$/).filter((line) => line.securityEvent === 'grant.revoked' && line.upstream === 'github');
  t.true(
    ended.some((line) => (line.upstreamResponse as { error?: string } | undefined)?.error === 'bad_refresh_token'),
    "the refusal is logged with GitHub's error",
  );
});

test.serial('a GitHub App user who left the org is refused at re-check, even with a valid token', async (t) => {
  bed.github.setUser('leaver-user');
  const refreshToken = await signedIn('leaver-user');
  bed.github.setUser('leaver-user', { orgs: ['elsewhere'] });
  await sleep(1_100);
  t.is((await refresh(bed, refreshToken)).body.error, 'invalid_grant');
});

test.serial('GitHub App access and refresh tokens are stored sealed: none is in Redis or the log in plaintext', async (t) => {
  bed.github.setUser('sealed-user');
  const refreshToken = await signedIn('sealed-user');
  bed.github.expireAccessTokens();
  await sleep(1_100);
  t.is((await refresh(bed, refreshToken)).status, 200);
  const issued = bed.github.issued.filter((value) => value.startsWith('ghr_') || value.startsWith('ghu_'));
  t.true(
    issued.some((value) => value.startsWith('ghr_')),
    'refresh tokens were handed out',
  );
  const { text: stored } = await dumpRedis(bed.redis.url);
  const logged = log.text();
  for (const value of [upstreamSecrets.github, ...issued]) {
    t.false(stored.includes(value), `${value.slice(0, 8)}... is in Redis`);
    t.false(logged.includes(value), `${value.slice(0, 8)}... is in the log`);
  }
});
