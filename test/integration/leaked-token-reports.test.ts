import test from 'ava';

import type { AccountRecord } from '../../src/accounts/account-record.ts';
import type { RunningServer } from '../../src/server.ts';
import { adminCall, startAdminTestServer } from '../helpers/admin-api.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { eventually } from '../helpers/eventually.ts';
import { clientIdOf, inDays, resourceTokenGrant, selfServiceCall } from '../helpers/self-service.ts';

const resource = 'https://plugins.example.org';
const limit = 5;
const log = captureLog('debug');
let server: RunningServer;
let stop: () => Promise<void>;

test.before(async () => {
  let adminToken: string;
  // Trusting X-Forwarded-For lets each test report from an address of its own.
  ({
    server,
    token: adminToken,
    stop,
  } = await startAdminTestServer({ TOLLGATE_RATE_LIMIT_LEAK_REPORT_PER_IP: String(limit), TOLLGATE_TRUST_PROXY: 'true' }, { logger: log.logger }));
  const made = await adminCall(server, adminToken, 'POST', '/resources', {
    identifier: resource,
    scopes: ['publish'],
    maintainers: { accounts: ['alice'] },
    self_service: true,
  });
  if (made.status !== 201) throw new Error(JSON.stringify(made.body));
});
test.after.always(() => stop?.());

const alice: AccountRecord = { id: 'alice', username: 'alice', passwordHash: '', disabled: false, createdAt: '', updatedAt: '' };

async function liveToken(): Promise<string> {
  const record = await server.tollgate.resources.get(resource);
  if (!record) throw new Error('no resource');
  const { value } = await server.tollgate.selfService.tokens.create(
    record,
    alice,
    undefined,
    { description: 'leaky', expires_at: inDays(10) },
    { actor: { kind: 'account', id: 'alice' } },
  );
  return value;
}

const report = (ip: string, tokens: string[]) => selfServiceCall(server, undefined, 'POST', '/leaked-tokens', { tokens }, { 'x-forwarded-for': ip });
const refused = async (value: string) => (await resourceTokenGrant(server, value)).body.error === 'invalid_client';
const madeUp = (n: number) => `tgrt_${'A'.repeat(11)}${n}_${'A'.repeat(49)}`;

test.serial(
  'every value reported counts against the address, whatever it is; over the limit the answer is 429 with Retry-After, the same whatever was sent, and nothing sent is acted on',
  async (t) => {
    const [first, second] = [await liveToken(), await liveToken()];
    const ip = '198.51.100.1';
    t.is((await report(ip, [madeUp(1), madeUp(2), 'not a token', madeUp(3)])).status, 202);
    t.is((await report(ip, [first])).status, 202, `the ${limit}th value`);
    await eventually(() => refused(first), 'the reported token is revoked');

    const overLive = await report(ip, [second]);
    const overJunk = await report(ip, ['not a token']);
    for (const answer of [overLive, overJunk]) {
      t.is(answer.status, 429);
      const retryAfter = Number(answer.headers.get('retry-after'));
      t.true(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 300, `Retry-After ${answer.headers.get('retry-after')}`);
      t.is(answer.body.error, 'too_many_requests');
      t.is(typeof answer.body.error_description, 'string');
    }
    t.deepEqual(overLive.body, overJunk.body, 'a live value and junk get the same refusal');
    t.is((await resourceTokenGrant(server, second)).status, 200, 'a value sent over the limit is not revoked');

    const hits = log.lines(/security event/).filter((line) => line.securityEvent === 'rate_limit.hit' && line.limit === 'leak_report');
    t.deepEqual(
      hits.map((line) => line.ip),
      [ip, ip],
    );
    t.false(log.text().includes(second));
  },
);

test.serial('the limit is per address: another one may still report', async (t) => {
  const value = await liveToken();
  t.is((await report('198.51.100.1', [value])).status, 429);
  t.is((await report('198.51.100.2', [value])).status, 202);
  await eventually(() => refused(value), 'the token reported from another address is revoked');
  t.deepEqual(
    (await server.tollgate.selfService.store.get(clientIdOf(value)))?.revokedBy,
    { kind: 'report', id: '198.51.100.2' },
    'revoked by a report, from that address',
  );
});

test.serial('a report answers before it revokes, so how long the answer took says nothing about the values', async (t) => {
  const value = await liveToken();
  const answer = await report('198.51.100.3', [value]);
  t.is(answer.status, 202);
  const reqId = answer.headers.get('x-request-id');
  const lines = () => log.lines(/./).filter((line) => line.reqId === reqId);
  await eventually(async () => lines().some((line) => line.securityEvent === 'resource_token.revoked'), 'the revocation is logged');
  const messages = lines().map((line) => (line.securityEvent as string | undefined) ?? (line.msg as string));
  t.true(messages.indexOf('request') < messages.indexOf('resource_token.revoked'), messages.join(', '));
  t.true(messages.includes('resource_token.reported'));
});
