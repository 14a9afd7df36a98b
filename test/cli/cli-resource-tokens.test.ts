import test from 'ava';
import { decodeJwt } from 'jose';

import type { RunningServer } from '../../src/server.ts';
import { expiryOption } from '../../src/cli/commands/resource-tokens.ts';
import { adminCall, startAdminTestServer } from '../helpers/admin-api.ts';
import { runCli } from '../helpers/run-cli.ts';
import { selfServiceCliLogin } from '../helpers/self-service.ts';

const resource = 'https://ci.example.org';
let server: RunningServer;
let stop: () => Promise<void>;
let env: Record<string, string>;

test.before(async () => {
  let adminToken: string;
  ({ server, token: adminToken, stop } = await startAdminTestServer({ TOLLGATE_DEVICE_POLL_INTERVAL: '1' }));
  await adminCall(server, adminToken, 'POST', '/resources', {
    identifier: resource,
    scopes: ['publish'],
    maintainers: { accounts: ['demo'] },
    self_service: true,
    self_service_max_priority: { default: 3 },
  });
  env = await selfServiceCliLogin(server, 'tollgate-rt-');
});
test.after.always(() => stop?.());

const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, { ...env, ...extra });

test.serial("tollgate resource-tokens create, list, rotate and revoke work against the JSON API with the maintainer's own login", async (t) => {
  const created = await cli(['resource-tokens', 'create', resource, '--description', 'release', '--expires', '30d', '--max-priority', 'default=2', '--json']);
  t.is(created.code, 0, created.stderr);
  const { id, token } = created.json<{ id: string; token: string }>();
  const human = await cli(['resource-tokens', 'create', resource, '--description', 'docs', '--expires', '7d']);
  t.regex(human.stdout, /only time the token is shown/);

  const listed = await cli(['resource-tokens', 'list', resource]);
  t.is(listed.code, 0, listed.stderr);
  t.true(listed.stdout.includes(id));
  t.false(listed.stdout.includes(token));

  const used = await cli(['token', '--resource-token-env', 'T', '--json'], { TOLLGATE_URL: server.url, T: token });
  t.deepEqual(decodeJwt(used.json().access_token as string).max_priority, { default: 2 });

  const rotated = await cli(['resource-tokens', 'rotate', resource, id, '--json']);
  t.is(rotated.code, 0, rotated.stderr);
  t.not(rotated.json().token, token);

  const revoked = await cli(['resource-tokens', 'revoke', resource, id, '--json']);
  t.is(revoked.json().status, 'revoked');
  const refused = await cli(['token', '--resource-token-env', 'T'], { TOLLGATE_URL: server.url, T: rotated.json().token as string });
  t.is(refused.code, 3);
});

test.serial('tollgate resource-tokens refuses a missing expiry before asking the server, and reports a refusal by field with exit 2', async (t) => {
  const noExpiry = await cli(['resource-tokens', 'create', resource, '--description', 'x']);
  t.is(noExpiry.code, 2);
  t.regex(noExpiry.stderr, /--expires is required/);
  const tooHigh = await cli(['resource-tokens', 'create', resource, '--description', 'x', '--expires', '1d', '--max-priority', 'default=4']);
  t.is(tooHigh.code, 2);
  t.regex(tooHigh.stderr, /max_priority\.default/);
  const notMine = await cli(['resource-tokens', 'list', 'https://other.example.org']);
  t.is(notMine.code, 3);
});

test('--expires takes a duration in days or hours, or a date', (t) => {
  const now = Date.parse('2026-12-07T00:00:00Z');
  t.is(expiryOption('90d', now), '2027-03-07T00:00:00.000Z');
  t.is(expiryOption('12h', now), '2026-12-07T12:00:00.000Z');
  t.is(expiryOption('2027-06-30', now), '2027-06-30T00:00:00.000Z');
  t.throws(() => expiryOption('soon', now), { message: /neither a duration/ });
});
