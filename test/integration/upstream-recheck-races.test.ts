import { setTimeout as sleep } from 'node:timers/promises';

import test, { type ExecutionContext } from 'ava';

import { captureLog } from '../helpers/capture-log.ts';
import { alice, approveAndPoll, refresh, startUpstreamTestBed, upstreamSignIn, type UpstreamTestBed } from '../helpers/upstream-setup.ts';

// Re-checks at refresh under outages and concurrency: reverifyAfter is 1 s, and the "flaky"
// upstream tolerates 2 s of being unreachable.
const log = captureLog('info');
let bed: UpstreamTestBed;

test.before(async () => {
  bed = await startUpstreamTestBed(log, { reverifyAfter: 1, flakyGrace: 2 });
});

test.after.always(() => bed?.stop());

async function signedIn(upstream: string, sub: string) {
  const { status, body } = await approveAndPoll(bed, await upstreamSignIn(bed, upstream, sub));
  if (status !== 200) throw new Error(`sign-in of ${sub}: ${status} ${JSON.stringify(body)}`);
  return { accessToken: body.access_token as string, refreshToken: body.refresh_token as string };
}

const identityOf = async (sub: string) =>
  (await bed.server.tollgate.accounts.list()).flatMap((account) => account.identities ?? []).find((identity) => identity.subject === sub);

test.serial('a momentary outage keeps a login whose last upstream check is older than reverifyAfter plus the grace', async (t) => {
  bed.flaky.people.set('idle-sub', { preferred_username: 'idle' });
  const login = await signedIn('flaky', 'idle-sub');
  // Checked 4 s ago: past reverifyAfter (1 s) plus unreachableGrace (2 s).
  await sleep(4_000);
  bed.flaky.down = true;
  const during = await refresh(bed, login.refreshToken);
  bed.flaky.down = false;
  t.is(during.status, 200, 'the blip does not end the login');
  t.truthy((await identityOf('idle-sub'))?.unreachableSince, 'the first failed re-check is stored');

  const after = await refresh(bed, during.body.refresh_token as string);
  t.is(after.status, 200);
  const identity = await identityOf('idle-sub');
  t.is(identity?.unreachableSince, undefined, 'a re-check that reaches the upstream clears it');
  t.true(Date.now() - Date.parse(identity?.checkedAt as string) < 2_000, 'and counts as a check');
});

test.serial('unreachableGrace counts from the first failed re-check: an outage longer than it ends the login', async (t) => {
  bed.flaky.people.set('long-sub', { preferred_username: 'long' });
  const login = await signedIn('flaky', 'long-sub');
  await sleep(1_100);
  bed.flaky.down = true;
  t.teardown(() => (bed.flaky.down = false));
  const first = await refresh(bed, login.refreshToken);
  t.is(first.status, 200, 'within the grace period');
  await sleep(2_500);
  const later = await refresh(bed, first.body.refresh_token as string);
  t.is(later.status, 400);
  t.is(later.body.error, 'invalid_grant');
});

/** Two logins ("laptop", "desktop") of one person at the "acme" upstream. */
async function twoLogins(name: string) {
  bed.idp.people.set(`${name}-sub`, { ...alice, preferred_username: name, email: `${name}@acme.test` });
  return { laptop: await signedIn('acme', `${name}-sub`), desktop: await signedIn('acme', `${name}-sub`) };
}

/** Refreshes the laptop's login with the IdP answering `delayMs` late and, `gapMs` later, the desktop's, while the first re-check runs. */
async function overlappingRefreshes(t: ExecutionContext, { laptop, desktop }: Awaited<ReturnType<typeof twoLogins>>, delayMs: number, gapMs: number) {
  bed.idp.delayMs = delayMs;
  t.teardown(() => (bed.idp.delayMs = 0));
  const first = refresh(bed, laptop.refreshToken);
  await sleep(gapMs);
  const second = await refresh(bed, desktop.refreshToken);
  return { first: await first, second };
}

test.serial('a refresh arriving while another refresh of the same leaver is re-checking waits for it and is refused too', async (t) => {
  const logins = await twoLogins('leaver');
  bed.idp.people.delete('leaver-sub');
  await sleep(1_100);
  const { first, second } = await overlappingRefreshes(t, logins, 1_000, 300);
  t.is(first.body.error, 'invalid_grant');
  t.is(second.status, 400, 'no token while the re-check runs');
  t.is(second.body.error, 'invalid_grant');
});

test.serial('a refresh arriving while another refresh of the same person is re-checking gets the re-checked answer', async (t) => {
  const logins = await twoLogins('stayer');
  await sleep(1_100);
  const { first, second } = await overlappingRefreshes(t, logins, 500, 200);
  t.is(first.status, 200);
  t.is(second.status, 200);
});
