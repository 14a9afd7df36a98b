import test from 'ava';

import { collectionNames, valueNames } from '../../src/storage/storage-names.ts';
import { adminCall } from '../helpers/admin-api.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { eventually } from '../helpers/eventually.ts';
import { parsePrometheusText } from '../helpers/prometheus-text.ts';
import { inDays, resourceTokenGrant, selfServiceCall, selfServicePerFile, tokensPath } from '../helpers/self-service.ts';

const resource = 'https://plugins.example.org';
const scrapeToken = 'test-scrape-token-0123456789';
const log = captureLog();

async function createResource(identifier: string) {
  const made = await adminCall(shared.server, shared.adminToken, 'POST', '/resources', {
    identifier,
    scopes: ['publish'],
    maintainers: { accounts: ['alice', 'bob'] },
    self_service: true,
  });
  if (made.status !== 201) throw new Error(JSON.stringify(made.body));
}

const shared = selfServicePerFile(() => ({
  env: { TOLLGATE_METRICS_TOKEN: scrapeToken },
  options: { logger: log.logger },
  maintainers: { alice: {}, bob: {} },
}));

test.before(() => createResource(resource));

const call = (who: string, method: string, path: string, body?: unknown) => selfServiceCall(shared.server, shared.tokensOf[who], method, path, body);
const grant = (value: string) => resourceTokenGrant(shared.server, value);

async function newToken(identifier = resource, description = 'release', days = 30): Promise<{ id: string; value: string }> {
  const created = await call('alice', 'POST', tokensPath(identifier), { description, expires_at: inDays(days) });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  return { id: created.body.id as string, value: created.body.token as string };
}

test.serial('a revoke request racing a rotate request leaves the token revoked: no value of it comes back', async (t) => {
  for (let round = 0; round < 6; round += 1) {
    const { id, value } = await newToken();
    const rotate = () => call('alice', 'POST', `${tokensPath(resource)}/${id}/rotate`, { overlap_seconds: 3600 });
    const revoke = () => call('bob', 'POST', `${tokensPath(resource)}/${id}/revoke`);
    const [rotated, revoked] = round % 2 === 0 ? await Promise.all([rotate(), revoke()]) : (await Promise.all([revoke(), rotate()])).reverse();
    t.is(revoked?.status, 200);
    t.true([200, 409].includes(rotated?.status ?? 0), JSON.stringify(rotated?.body));
    const listed = (await call('alice', 'GET', tokensPath(resource))).body.tokens as Array<{ id: string; status: string; revoked_by: unknown }>;
    const entry = listed.find((token) => token.id === id);
    t.is(entry?.status, 'revoked', `round ${round}`);
    t.deepEqual(entry?.revoked_by, { kind: 'account', id: 'bob', name: 'bob' });
    for (const attempt of [value, ...(rotated?.status === 200 ? [rotated.body.token as string] : [])])
      t.is((await grant(attempt)).body.error, 'invalid_client');
  }
});

test.serial('two rotate requests at once leave one current secret and one overlapping: both values answered work, the replaced one does not', async (t) => {
  for (let round = 0; round < 6; round += 1) {
    const { id, value } = await newToken();
    const answers = await Promise.all(['alice', 'bob'].map((who) => call(who, 'POST', `${tokensPath(resource)}/${id}/rotate`, { overlap_seconds: 3600 })));
    for (const answer of answers) {
      t.is(answer.status, 200, JSON.stringify(answer.body));
      t.is((await grant(answer.body.token as string)).status, 200, `round ${round}: a value a rotation answered with works`);
    }
    t.is((await grant(value)).body.error, 'invalid_client', 'the value both rotations replaced');
    const stored = await shared.server.tollgate.selfService.store.get(id);
    t.is(stored?.secrets.length, 2);
  }
});

test.serial('deleting a resource server deletes its tokens: refused at once, a security event each, nothing of them left in storage', async (t) => {
  const identifier = 'https://gone.example.org';
  await createResource(identifier);
  const used = await newToken(identifier, 'used');
  const unused = await newToken(identifier, 'unused');
  t.is((await grant(used.value)).status, 200);
  await eventually(() => shared.server.tollgate.selfService.store.lastUsed(used.id), 'the last use is written');

  const deleted = await adminCall(shared.server, shared.adminToken, 'DELETE', `/resources/${encodeURIComponent(identifier)}`);
  t.is(deleted.status, 200, JSON.stringify(deleted.body));
  for (const { value } of [used, unused]) t.is((await grant(value)).body.error, 'invalid_client', 'refused at once');

  const events = log.lines(/security event/).filter((line) => line.securityEvent === 'resource_token.deleted' && line.resource === identifier);
  t.deepEqual(events.map((line) => line.tokenId).sort(), [used.id, unused.id].sort());
  for (const event of events) {
    t.is(event.reason, 'resource_deleted');
    t.regex(String(event.actor), /^admin:/);
  }
  const { storage } = shared.server.tollgate;
  for (const { id } of [used, unused]) {
    t.is(await storage.getValue(valueNames.resourceToken(id)), undefined, 'no record, so no secret hash');
    t.is(await storage.getValue(valueNames.resourceTokenUse(id)), undefined, 'no last use');
  }
  t.deepEqual(await storage.collection(collectionNames.resourceTokens(identifier)).list(), [], 'no index entry');
});

test.serial("a resource server created again under a deleted one's identifier starts without its tokens, even one left behind", async (t) => {
  const identifier = 'https://reborn.example.org';
  await createResource(identifier);
  const old = await newToken(identifier, 'from before');
  const oldRecord = await shared.server.tollgate.selfService.store.get(old.id);
  t.is((await adminCall(shared.server, shared.adminToken, 'DELETE', `/resources/${encodeURIComponent(identifier)}`)).status, 200);
  await createResource(identifier);

  t.deepEqual((await call('alice', 'GET', tokensPath(identifier))).body.tokens, []);
  t.is((await grant(old.value)).body.error, 'invalid_client');

  // As if the deletion had been cut short, or the token saved while the resource was being deleted.
  if (!oldRecord) throw new Error('no record');
  await shared.server.tollgate.selfService.store.save(oldRecord);
  shared.server.tollgate.selfService.clients.forget(old.id);
  t.is((await grant(old.value)).body.error, 'invalid_client', "a token of the old resource is not one of the new one's");
  t.deepEqual((await call('alice', 'GET', tokensPath(identifier))).body.tokens, []);
  t.is((await call('bob', 'POST', `${tokensPath(identifier)}/${old.id}/rotate`, {})).status, 404);
  t.deepEqual((await adminCall(shared.server, shared.adminToken, 'GET', tokensPath(identifier))).body.tokens, [], 'nor for admins');

  const fresh = await newToken(identifier, 'new');
  t.is((await grant(fresh.value)).status, 200, "the new resource's own tokens work");
});

test.serial("the gauge of tokens expiring within 14 days, scraped over HTTP, counts a resource's live ones and drops a deleted resource", async (t) => {
  const identifier = 'https://gauge.example.org';
  await createResource(identifier);
  await newToken(identifier, 'soon', 5);
  await newToken(identifier, 'sooner', 1);
  await newToken(identifier, 'later', 60);
  const revoked = await newToken(identifier, 'soon but revoked', 5);
  t.is((await call('bob', 'POST', `${tokensPath(identifier)}/${revoked.id}/revoke`)).status, 200);

  const expiringSoon = async () => {
    const response = await fetch(`${shared.server.url}/metrics`, { headers: { authorization: `Bearer ${scrapeToken}` } });
    const samples = parsePrometheusText(await response.text());
    return samples.find((sample) => sample.name === 'tollgate_resource_tokens_expiring_soon' && sample.labels.resource === identifier)?.value;
  };
  t.is(await expiringSoon(), 2);
  t.is((await adminCall(shared.server, shared.adminToken, 'DELETE', `/resources/${encodeURIComponent(identifier)}`)).status, 200);
  t.is(await expiringSoon(), undefined);
});

test.serial('who revoked a token is kept and shown alike to maintainers and admins: a maintainer by account and name, an admin by its client', async (t) => {
  const byMaintainer = await newToken(resource, 'revoked by bob');
  const byAdmin = await newToken(resource, 'revoked by an admin');
  t.is((await call('bob', 'POST', `${tokensPath(resource)}/${byMaintainer.id}/revoke`)).status, 200);
  t.is((await adminCall(shared.server, shared.adminToken, 'POST', `${tokensPath(resource)}/${byAdmin.id}/revoke`)).status, 200);

  const expected = {
    [byMaintainer.id]: { kind: 'account', id: 'bob', name: 'bob' },
    [byAdmin.id]: { kind: 'admin', id: shared.server.tollgate.demo?.adminClientId, name: null },
  };
  const maintainersSee = (await call('alice', 'GET', tokensPath(resource))).body.tokens as Array<{
    id: string;
    revoked_by: unknown;
    revoked_at: string | null;
  }>;
  const adminsSee = (await adminCall(shared.server, shared.adminToken, 'GET', tokensPath(resource))).body.tokens as typeof maintainersSee;
  for (const listing of [maintainersSee, adminsSee]) {
    for (const [id, revokedBy] of Object.entries(expected)) {
      const entry = listing.find((token) => token.id === id);
      t.deepEqual(entry?.revoked_by, revokedBy);
      t.truthy(entry?.revoked_at);
    }
  }
});
