import test from 'ava';
import { decodeJwt } from 'jose';

import { buildOpenApiDocument } from '../../src/admin/openapi-document.ts';
import { selfServiceApi } from '../../src/self-service/self-service-api.ts';
import { adminCall } from '../helpers/admin-api.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { eventually } from '../helpers/eventually.ts';
import { basicAuth, postForm } from '../helpers/start-server.ts';
import {
  inDays,
  resourceTokenGrant,
  selfServiceCall,
  selfServicePerFile,
  tokensPath as tokensOfResource,
  type SelfServiceAnswer,
} from '../helpers/self-service.ts';

const resource = 'https://plugins.example.org';
const log = captureLog();

const shared = selfServicePerFile(() => ({
  options: { logger: log.logger },
  maintainers: { alice: { ci: 9 }, bob: { ci: 1 }, carol: { ci: 9 } },
  resources: [
    {
      identifier: resource,
      scopes: ['publish', 'read'],
      maintainers: { accounts: ['alice', 'bob'] },
      self_service: true,
      self_service_max_priority: { ci: 5 },
      self_service_max_lifetime_days: 90,
    },
  ],
}));

type Answer = Pick<SelfServiceAnswer, 'status' | 'body'>;

async function call(who: string | null, method: string, path: string, body?: unknown): Promise<Answer> {
  const { status, body: answer } = await selfServiceCall(shared.server, who ? shared.tokensOf[who] : undefined, method, path, body);
  return { status, body: answer };
}

const tokensPath = tokensOfResource(resource);
const clientCredentials = (value: string) => resourceTokenGrant(shared.server, value);

test.serial('a maintainer lists the resources they maintain; a non-maintainer sees none', async (t) => {
  const alice = await call('alice', 'GET', '/resources');
  t.is(alice.status, 200);
  t.deepEqual(
    (alice.body.resources as Array<{ identifier: string }>).map((entry) => entry.identifier),
    [resource],
  );
  const carol = await call('carol', 'GET', '/resources');
  t.deepEqual(carol.body.resources, []);
});

test.serial('maintainer A creates a token shown once, B lists it with A as creator and revokes it, and it stops working at once', async (t) => {
  const created = await call('alice', 'POST', tokensPath, {
    description: 'release workflow',
    scopes: ['publish'],
    max_priority: { ci: 4 },
    expires_at: inDays(30),
  });
  t.is(created.status, 201, JSON.stringify(created.body));
  const value = created.body.token as string;
  t.regex(value, /^tgrt_[0-9A-Za-z]{12}_[0-9A-Za-z]{49}$/);
  const issued = await clientCredentials(value);
  t.is(issued.status, 200);
  t.deepEqual(decodeJwt(issued.body.access_token as string).max_priority, { ci: 4 });

  const listed = await call('bob', 'GET', tokensPath);
  const entry = (listed.body.tokens as Array<Record<string, unknown>>).find((token) => token.id === created.body.id);
  t.truthy(entry);
  t.deepEqual(entry?.created_by, { kind: 'account', id: 'alice', name: 'alice' });
  t.true(entry?.creator_is_maintainer);
  t.false(JSON.stringify(listed.body).includes(value), 'a listing never shows the value');
  t.false('token' in (entry ?? {}));

  const revoked = await call('bob', 'POST', `${tokensPath}/${created.body.id as string}/revoke`);
  t.is(revoked.status, 200);
  t.deepEqual(revoked.body.revoked_by, { kind: 'account', id: 'bob', name: 'bob' });
  const refused = await clientCredentials(value);
  t.is(refused.status, 401);
  t.is(refused.body.error, 'invalid_client');
});

test.serial('a non-maintainer gets 403 on a direct URL, and no token without authentication', async (t) => {
  t.is((await call('carol', 'GET', tokensPath)).status, 403);
  t.is((await call('carol', 'POST', tokensPath, { description: 'x', expires_at: inDays(1) })).status, 403);
  const anonymous = await call(null, 'GET', tokensPath);
  t.is(anonymous.status, 401);
  t.is((await call('alice', 'GET', `/resources/${encodeURIComponent('https://unknown.example.org')}/tokens`)).status, 403);
});

test.serial('a token for the demo API or a client token is not a maintainer token', async (t) => {
  const demo = await postForm(
    `${shared.server.url}/token`,
    { grant_type: 'client_credentials' },
    { authorization: basicAuth('demo', shared.server.tollgate.demo?.clientSecret as string) },
  );
  const response = await fetch(`${shared.server.url}/self-service/resources`, { headers: { authorization: `Bearer ${demo.body.access_token as string}` } });
  t.is(response.status, 401);
});

test.serial("a priority above the creator's own map or the ceiling, and an expiry over the maximum, are refused naming the field", async (t) => {
  const bobAbove = await call('bob', 'POST', tokensPath, { description: 'x', max_priority: { ci: 2 }, expires_at: inDays(1) });
  t.is(bobAbove.status, 400);
  t.is(bobAbove.body.field, 'max_priority.ci');
  const aboveCeiling = await call('alice', 'POST', tokensPath, { description: 'x', max_priority: { ci: 6 }, expires_at: inDays(1) });
  t.is(aboveCeiling.body.field, 'max_priority.ci');
  const tooLong = await call('alice', 'POST', tokensPath, { description: 'x', expires_at: inDays(91) });
  t.is(tooLong.body.field, 'expires_at');
  const noDescription = await call('alice', 'POST', tokensPath, { description: '  ', expires_at: inDays(1) });
  t.is(noDescription.body.field, 'description');
  const noExpiry = await call('alice', 'POST', tokensPath, { description: 'x' });
  t.is(noExpiry.body.field, 'expires_at');
});

test.serial('rotating shows a new value once; the old one keeps working only for the overlap asked', async (t) => {
  const created = await call('alice', 'POST', tokensPath, { description: 'nightly', expires_at: inDays(10) });
  const rotated = await call('bob', 'POST', `${tokensPath}/${created.body.id as string}/rotate`, { overlap_seconds: 3600 });
  t.is(rotated.status, 200, JSON.stringify(rotated.body));
  t.not(rotated.body.token, created.body.token);
  t.is((await clientCredentials(created.body.token as string)).status, 200, 'inside the overlap');
  t.is((await clientCredentials(rotated.body.token as string)).status, 200);
  const tooLong = await call('bob', 'POST', `${tokensPath}/${created.body.id as string}/rotate`, { overlap_seconds: 90000 });
  t.is(tooLong.body.field, 'overlap_seconds');
});

test.serial('the creator leaving the team keeps the token working and the listing says so', async (t) => {
  const created = await call('alice', 'POST', tokensPath, { description: 'deploy', expires_at: inDays(10) });
  await adminCall(shared.server, shared.adminToken, 'PATCH', `/resources/${encodeURIComponent(resource)}`, { maintainers: { accounts: ['bob'] } });
  try {
    t.is((await call('alice', 'GET', tokensPath)).status, 403, 'the leaver loses access at once');
    t.is((await clientCredentials(created.body.token as string)).status, 200, 'the pipeline keeps working');
    const entry = ((await call('bob', 'GET', tokensPath)).body.tokens as Array<Record<string, unknown>>).find((token) => token.id === created.body.id);
    t.false(entry?.creator_is_maintainer);
  } finally {
    await adminCall(shared.server, shared.adminToken, 'PATCH', `/resources/${encodeURIComponent(resource)}`, { maintainers: { accounts: ['alice', 'bob'] } });
  }
});

test.serial('admins list every token of a resource and revoke any of them', async (t) => {
  const created = await call('alice', 'POST', tokensPath, { description: 'admin target', expires_at: inDays(10) });
  const listed = await adminCall(shared.server, shared.adminToken, 'GET', tokensPath);
  t.is(listed.status, 200);
  t.true((listed.body.tokens as Array<{ id: string }>).some((token) => token.id === created.body.id));
  const revoked = await adminCall(shared.server, shared.adminToken, 'POST', `${tokensPath}/${created.body.id as string}/revoke`);
  t.is(revoked.status, 200);
  t.is((revoked.body.revoked_by as { kind: string }).kind, 'admin');
  t.is((await clientCredentials(created.body.token as string)).body.error, 'invalid_client');
});

test.serial('a reported leaked token is revoked, and the answer is the same for a live, a dead and a made-up value', async (t) => {
  const created = await call('alice', 'POST', tokensPath, { description: 'leaky', expires_at: inDays(10) });
  const value = created.body.token as string;
  const answers = [await call(null, 'POST', '/leaked-tokens', { tokens: [value] })];
  // 202 Accepted: the revocation follows the answer (report-leaked-tokens.ts).
  await eventually(async () => (await clientCredentials(value)).body.error === 'invalid_client', 'the reported token is refused');
  for (const tokens of [[value], ['tgrt_AAAAAAAAAAAA_' + 'A'.repeat(49)], ['not a token']])
    answers.push(await call(null, 'POST', '/leaked-tokens', { tokens }));
  for (const answer of answers) t.deepEqual(answer, { status: 202, body: {} });
  const reported = log.lines(/security event/).filter((line) => line.securityEvent === 'resource_token.reported');
  t.is(reported.length, 1);
  t.false(log.text().includes(value));
});

test.serial('every change is a security event naming who, the resource and the token id', async (t) => {
  const events = log.lines(/security event/).map((line) => line.securityEvent);
  for (const event of ['resource_token.created', 'resource_token.revoked', 'resource_token.rotated', 'resource_token.first_used'])
    t.true(events.includes(event), event);
  const created = log.lines(/security event/).find((line) => line.securityEvent === 'resource_token.created');
  t.is(created?.actor, 'account:alice');
  t.is(created?.resource, resource);
});

test.serial('GET /self-service/openapi.json describes the API and needs no token', async (t) => {
  const response = await call(null, 'GET', '/openapi.json');
  t.is(response.status, 200);
  const paths = Object.keys(response.body.paths as object);
  t.true(paths.includes('/resources/{identifier}/tokens'));
  t.true(paths.includes('/leaked-tokens'));
  t.deepEqual(response.body.servers, [{ url: `${shared.server.url}/self-service` }]);
  t.deepEqual(response.body.info, buildOpenApiDocument([], shared.server.url, selfServiceApi(shared.server.url)).info);
});

test.serial('the gauge of tokens expiring within 14 days counts the live ones per resource, and the listing flags them', async (t) => {
  await call('alice', 'POST', tokensPath, { description: 'soon', expires_at: inDays(5) });
  await call('alice', 'POST', tokensPath, { description: 'later', expires_at: inDays(60) });
  const listed = (await call('alice', 'GET', tokensPath)).body.tokens as Array<{ description: string; status: string; expires_soon: boolean }>;
  t.true(listed.find((token) => token.description === 'soon')?.expires_soon);
  t.false(listed.find((token) => token.description === 'later')?.expires_soon);
  const expected = listed.filter((token) => token.status === 'active' && token.expires_soon).length;
  const exposition = await shared.server.tollgate.metrics.registry.getSingleMetricAsString('tollgate_resource_tokens_expiring_soon');
  t.true(exposition.includes(`tollgate_resource_tokens_expiring_soon{resource="${resource}"} ${expected}`), exposition);
});
