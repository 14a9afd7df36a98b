import { setTimeout as sleep } from 'node:timers/promises';

import test from 'ava';
import { decodeJwt } from 'jose';

import { captureLog } from '../helpers/capture-log.ts';
import { dumpRedis } from '../helpers/dump-redis.ts';
import { alice, approveAndPoll, refresh, startUpstreamTestBed, upstreamSecrets, upstreamSignIn, type UpstreamTestBed } from '../helpers/upstream-setup.ts';

// Leavers lose access (SPEC §13): a refresh more than reverifyAfter (1 s here) after the last
// upstream check asks the upstream again.
const log = captureLog('trace');
let bed: UpstreamTestBed;

test.before(async () => {
  bed = await startUpstreamTestBed(log, { reverifyAfter: 1 });
});

test.after.always(() => bed?.stop());

const pastReverifyAfter = () => sleep(1_100);

async function signedIn(upstream: string, sub: string) {
  const { status, body } = await approveAndPoll(bed, await upstreamSignIn(bed, upstream, sub));
  if (status !== 200) throw new Error(`sign-in of ${sub}: ${status} ${JSON.stringify(body)}`);
  return { accessToken: body.access_token as string, refreshToken: body.refresh_token as string };
}

test('a group removed upstream changes max_priority at the next refresh after reverifyAfter', async (t) => {
  bed.idp.people.set('gina-sub', { ...alice, preferred_username: 'gina', email: 'gina@acme.test' });
  const login = await signedIn('acme', 'gina-sub');
  t.deepEqual(decodeJwt(login.accessToken).max_priority, { lab: 9, qa: 5, default: 1 });

  bed.idp.people.set('gina-sub', { ...alice, preferred_username: 'gina', email: 'gina@acme.test', groups: ['staff'], department: 'dev' });
  await pastReverifyAfter();
  const refreshed = await refresh(bed, login.refreshToken);
  t.is(refreshed.status, 200);
  t.is(decodeJwt(refreshed.body.access_token as string).max_priority, undefined);
  const account = await bed.server.tollgate.accounts.get(decodeJwt(login.accessToken).sub as string);
  t.deepEqual(account?.identities?.[0]?.groups, ['staff'], 'the new groups are stored');
});

test('a person disabled upstream gets invalid_grant and every login of theirs is revoked', async (t) => {
  bed.idp.people.set('hank-sub', { ...alice, preferred_username: 'hank', email: 'hank@acme.test' });
  const laptop = await signedIn('acme', 'hank-sub');
  const desktop = await signedIn('acme', 'hank-sub');
  bed.idp.people.delete('hank-sub');
  await pastReverifyAfter();
  const refused = await refresh(bed, laptop.refreshToken);
  t.is(refused.status, 400);
  t.is(refused.body.error, 'invalid_grant');
  const ended = log
    .lines(/^security event$/)
    .filter((line) => line.securityEvent === 'grant.revoked' && line.reason === 'upstream_recheck' && line.upstream === 'acme');
  t.true(
    ended.some((line) => line.grants === 2 && line.recheck === 'refused'),
    'the ended logins are a counted grant.revoked security event',
  );
  // Back upstream, but the logins stay ended: they were revoked, not merely refused once.
  bed.idp.people.set('hank-sub', { ...alice, preferred_username: 'hank', email: 'hank@acme.test' });
  t.is((await refresh(bed, desktop.refreshToken)).body.error, 'invalid_grant');
});

test('a person no longer admitted upstream gets invalid_grant', async (t) => {
  bed.idp.people.set('ivy-sub', { ...alice, preferred_username: 'ivy', email: 'ivy@acme.test' });
  const login = await signedIn('acme', 'ivy-sub');
  bed.idp.people.set('ivy-sub', { ...alice, preferred_username: 'ivy', email: 'ivy@acme.test', groups: ['visitors'] });
  await pastReverifyAfter();
  t.is((await refresh(bed, login.refreshToken)).body.error, 'invalid_grant');
});

test('a refresh before reverifyAfter does not ask the upstream', async (t) => {
  const patient = await startUpstreamTestBed(captureLog('silent'), { reverifyAfter: 3600 });
  t.teardown(() => patient.stop());
  patient.idp.people.set('jo-sub', { ...alice, preferred_username: 'jo', email: 'jo@acme.test' });
  const { body } = await approveAndPoll(patient, await upstreamSignIn(patient, 'acme', 'jo-sub'));
  patient.idp.people.delete('jo-sub');
  const refreshed = await refresh(patient, body.refresh_token as string);
  t.is(refreshed.status, 200);
  t.deepEqual(decodeJwt(refreshed.body.access_token as string).max_priority, { lab: 9, qa: 5, default: 1 }, 'the stored groups are used');
});

test.serial('an unreachable upstream keeps the login within its grace period', async (t) => {
  bed.flaky.people.set('kim-sub', { preferred_username: 'kim' });
  const login = await signedIn('flaky', 'kim-sub');
  await bed.flaky.stop();
  await pastReverifyAfter();
  t.is((await refresh(bed, login.refreshToken)).status, 200);
});

test.serial('no upstream secret, code, ID token or refresh token is in any log line or in Redis in plaintext', async (t) => {
  bed.idp.people.set('lee-sub', { ...alice, preferred_username: 'lee', email: 'lee@acme.test' });
  const login = await signedIn('acme', 'lee-sub');
  await pastReverifyAfter();
  t.is((await refresh(bed, login.refreshToken)).status, 200, 'a re-check ran, with the upstream refresh token');

  const logged = log.text();
  t.true(logged.includes('"request"'), 'the log holds the run');
  const { text: stored } = await dumpRedis(bed.redis.url);
  const issued = bed.idp.issued.filter((value) => value.length >= 16);
  // At least this test's code, the ID, access and refresh token of its sign-in and of its re-check.
  t.true(issued.length >= 7, 'the IdP handed out codes and tokens');
  for (const value of [...Object.values(upstreamSecrets), ...issued]) {
    t.false(logged.includes(value), `${value.slice(0, 12)}... is in the log`);
    t.false(stored.includes(value), `${value.slice(0, 12)}... is in Redis`);
  }
});
