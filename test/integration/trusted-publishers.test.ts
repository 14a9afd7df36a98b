import test from 'ava';
import { createRemoteJWKSet, jwtVerify } from 'jose';

import { adminCall } from '../helpers/admin-api.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { eventually } from '../helpers/eventually.ts';
import { selfServiceCall, selfServicePerFile } from '../helpers/self-service.ts';
import { postForm } from '../helpers/start-server.ts';
import { startTestIssuer, type TestIssuer } from '../helpers/test-issuer.ts';

const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const resource = 'https://plugins.example.org';
const closed = 'https://closed.example.org';
const log = captureLog();
const repository = { repository: 'qgis/plugin-x', repository_id: '812345678', repository_owner_id: '483444' };

let actions: TestIssuer; // GitHub-Actions-shaped tokens
let cluster: TestIssuer; // Kubernetes-shaped tokens
let elsewhere: TestIssuer; // trusted by tollgate, but not listed by the resource's policy
let stranger: TestIssuer; // not trusted at all

const shared = selfServicePerFile(async () => {
  [actions, cluster, elsewhere, stranger] = await Promise.all([startTestIssuer(), startTestIssuer(), startTestIssuer(), startTestIssuer()]);
  const trustedIssuers = [{ issuer: actions.issuer }, { issuer: cluster.issuer }, { issuer: elsewhere.issuer }];
  return {
    options: { overrides: { federation: { trustedIssuers } }, logger: log.logger },
    maintainers: { alice: { ci: 9 }, bob: { ci: 1 }, carol: { ci: 9 } },
    resources: [
      { identifier: resource, issuers: [actions.issuer, cluster.issuer] },
      { identifier: closed, issuers: [] },
    ].map(({ identifier, issuers }) => ({
      identifier,
      scopes: ['publish', 'read'],
      maintainers: { accounts: ['alice', 'bob'] },
      self_service: true,
      self_service_max_priority: { ci: 5 },
      trusted_publisher_issuers: issuers,
    })),
  };
});

test.after.always(() => Promise.all([actions, cluster, elsewhere, stranger].map((issuer) => issuer?.stop())));

const call = (who: string | null, method: string, path: string, body?: unknown) =>
  selfServiceCall(shared.server, who ? shared.tokensOf[who] : undefined, method, path, body);

const publishersPath = (identifier = resource) => `/resources/${encodeURIComponent(identifier)}/publishers`;

/** A trusted publisher added by `who` (alice by default); its id. */
async function addPublisher(fields: Record<string, unknown>, who = 'alice'): Promise<string> {
  const added = await call(who, 'POST', publishersPath(), { description: 'release workflow', ...fields });
  if (added.status !== 201) throw new Error(`add: ${JSON.stringify(added.body)}`);
  return added.body.id as string;
}

/** What a CI job sends: no secret, only its own OIDC token. */
const exchange = (clientId: string, assertion: string, form: Record<string, string> = {}) =>
  postForm(`${shared.server.url}/token`, { grant_type: jwtBearer, client_id: clientId, assertion, ...form });

/** A projected service-account token whose account has `uid`. */
const serviceAccountToken = (namespace: string, name: string, uid: string) =>
  cluster.kubernetesToken(namespace, name, shared.server.url, {
    'kubernetes.io': { namespace, pod: { name: `${name}-0`, uid: crypto.randomUUID() }, serviceaccount: { name, uid } },
  });

test("a GitHub Actions job bound by its repository ids gets a JWT for exactly the resource, with the binding's scopes and max_priority, naming the binding and not its creator", async (t) => {
  const id = await addPublisher({ issuer: actions.issuer, github_actions: repository, scopes: ['publish'], max_priority: { ci: 4 } });
  t.regex(id, /^tgtp_[0-9A-Za-z]{12}$/);
  const { status, body } = await exchange(id, await actions.githubActionsToken('qgis/plugin-x', 'refs/heads/main', shared.server.url));
  t.is(status, 200, JSON.stringify(body));
  const { payload } = await jwtVerify(body.access_token as string, createRemoteJWKSet(new URL(`${shared.server.url}/jwks`)), {
    issuer: shared.server.url,
    audience: resource,
    typ: 'at+jwt',
  });
  t.is(payload.sub, id);
  t.is(payload.client_id, id);
  t.is(payload.scope, 'publish');
  t.deepEqual(payload.max_priority, { ci: 4 });
  t.false(JSON.stringify(payload).includes('alice'));

  // GitHub keeps the ids when a repository is renamed or moves: the binding follows it.
  t.is((await exchange(id, await actions.githubActionsToken('qgis/plugin-renamed', 'refs/tags/v2.0', shared.server.url))).status, 200);
  // It has no secret, so no other grant, and no other resource.
  const other = await exchange(id, await actions.githubActionsToken('qgis/plugin-x', 'refs/heads/main', shared.server.url), { resource: 'urn:tollgate:demo' });
  t.is(other.body.error, 'invalid_target');
  const credentials = await postForm(`${shared.server.url}/token`, { grant_type: 'client_credentials', client_id: id });
  t.is(credentials.body.error, 'unauthorized_client');
});

test('a recycled repository name (same repository, another repository_id) and another owner id are refused', async (t) => {
  const id = await addPublisher({ issuer: actions.issuer, github_actions: { ...repository, repository_id: '700000001' } });
  const recycled = await exchange(id, await actions.githubActionsToken('qgis/plugin-x', 'refs/heads/main', shared.server.url, { repository_id: '999000111' }));
  t.is(recycled.status, 400);
  t.is(recycled.body.error, 'invalid_grant');
  t.regex(String(recycled.body.error_description), /\(condition\).*repository_id/);
  const genuine = await actions.githubActionsToken('qgis/plugin-x', 'refs/heads/main', shared.server.url, { repository_id: '700000001' });
  t.is((await exchange(id, genuine)).status, 200);
  const newOwner = await exchange(
    id,
    await actions.githubActionsToken('qgis/plugin-x', 'refs/heads/main', shared.server.url, { repository_id: '700000001', repository_owner_id: '777' }),
  );
  t.is(newOwner.body.error, 'invalid_grant');
  t.regex(String(newOwner.body.error_description), /repository_owner_id/);
});

test('the workflow, ref and environment conditions are enforced when set', async (t) => {
  const workflow = 'qgis/plugin-x/.github/workflows/release.yml@refs/tags/v1.0';
  const id = await addPublisher({
    issuer: actions.issuer,
    github_actions: { ...repository, repository_id: '700000002', job_workflow_ref: workflow, ref: 'refs/tags/v1.0', environment: 'release' },
  });
  const token = (claims: Record<string, string>) =>
    actions.githubActionsToken('qgis/plugin-x', 'refs/tags/v1.0', shared.server.url, {
      repository_id: '700000002',
      job_workflow_ref: workflow,
      environment: 'release',
      ...claims,
    });
  t.is((await exchange(id, await token({}))).status, 200);
  for (const [claim, value] of [
    ['job_workflow_ref', 'qgis/plugin-x/.github/workflows/other.yml@refs/tags/v1.0'],
    ['ref', 'refs/heads/main'],
    ['environment', 'staging'],
  ] as const) {
    const refused = await exchange(id, await token({ [claim]: value }));
    t.is(refused.body.error, 'invalid_grant', claim);
    t.regex(String(refused.body.error_description), new RegExp(`claim ${claim} `), claim);
  }
});

test('a binding by names alone is refused with a 400 naming the missing field', async (t) => {
  const nameOnly = await call('alice', 'POST', publishersPath(), { description: 'x', issuer: actions.issuer, github_actions: { repository: 'qgis/plugin-x' } });
  t.is(nameOnly.status, 400);
  t.is(nameOnly.body.field, 'github_actions.repository_id');
  t.regex(String(nameOnly.body.error_description), /is required: .*recycled|is required: .*taken again/);
  const noOwner = await call('alice', 'POST', publishersPath(), {
    description: 'x',
    issuer: actions.issuer,
    github_actions: { repository: 'qgis/plugin-x', repository_id: '812345678' },
  });
  t.is(noOwner.body.field, 'github_actions.repository_owner_id');
  const nameAsId = await call('alice', 'POST', publishersPath(), {
    description: 'x',
    issuer: actions.issuer,
    github_actions: { repository_id: 'qgis/plugin-x', repository_owner_id: '483444' },
  });
  t.is(nameAsId.body.field, 'github_actions.repository_id');
  const noUid = await call('alice', 'POST', publishersPath(), {
    description: 'x',
    issuer: cluster.issuer,
    kubernetes: { namespace: 'ci', service_account: 'publisher' },
  });
  t.is(noUid.status, 400);
  t.is(noUid.body.field, 'kubernetes.uid');
  t.regex(String(noUid.body.error_description), /is required: the service account's uid/);
  const neither = await call('alice', 'POST', publishersPath(), { description: 'x', issuer: actions.issuer });
  t.is(neither.body.field, 'github_actions');
  const bySubject = await call('alice', 'POST', publishersPath(), {
    description: 'x',
    issuer: actions.issuer,
    subject: 'repo:qgis/plugin-x:ref:refs/heads/main',
  });
  t.is(bySubject.body.field, 'subject');
});

test("an issuer the resource's policy does not list, or not trusted at all, is refused when the binding is added; a resource listing none takes none", async (t) => {
  const unlisted = await call('alice', 'POST', publishersPath(), { description: 'x', issuer: elsewhere.issuer, github_actions: repository });
  t.is(unlisted.status, 400);
  t.is(unlisted.body.field, 'issuer');
  const untrusted = await call('alice', 'POST', publishersPath(), { description: 'x', issuer: stranger.issuer, github_actions: repository });
  t.is(untrusted.body.field, 'issuer');
  const none = await call('alice', 'POST', publishersPath(closed), { description: 'x', issuer: actions.issuer, github_actions: repository });
  t.is(none.status, 400);
  t.regex(String(none.body.error_description), /allows no trusted publishers/);
});

test("a maintainer cannot give a binding more than the resource's ceiling or their own max_priority, nor a scope outside the policy", async (t) => {
  const fields = { description: 'x', issuer: actions.issuer, github_actions: { ...repository, repository_id: '700000003' } };
  const bob = await call('bob', 'POST', publishersPath(), { ...fields, max_priority: { ci: 2 } });
  t.is(bob.status, 400);
  t.is(bob.body.field, 'max_priority.ci');
  t.regex(String(bob.body.error_description), /your own max_priority of 1/);
  const ceiling = await call('alice', 'POST', publishersPath(), { ...fields, max_priority: { ci: 6 } });
  t.is(ceiling.body.field, 'max_priority.ci');
  const scope = await call('alice', 'POST', publishersPath(), { ...fields, scopes: ['admin'] });
  t.is(scope.body.field, 'scopes');
});

test('a removed binding is refused at once with invalid_client, whoever of the maintainers removes it', async (t) => {
  const id = await addPublisher({ issuer: actions.issuer, github_actions: { ...repository, repository_id: '700000004' } });
  const assertion = await actions.githubActionsToken('qgis/plugin-x', 'refs/heads/main', shared.server.url, { repository_id: '700000004' });
  t.is((await exchange(id, assertion)).status, 200);
  const listed = await call('bob', 'GET', publishersPath());
  const entry = (listed.body.publishers as Array<Record<string, unknown>>).find((publisher) => publisher.id === id);
  t.deepEqual(entry?.created_by, { kind: 'account', id: 'alice', name: 'alice' });
  t.is((await call('bob', 'DELETE', `${publishersPath()}/${id}`)).status, 200);
  const refused = await exchange(id, assertion);
  t.is(refused.status, 401);
  t.is(refused.body.error, 'invalid_client');
  t.is((await call('bob', 'DELETE', `${publishersPath()}/${id}`)).status, 404);
});

test('a Kubernetes service account bound with its uid works; a recreated account of the same name (another uid) is refused', async (t) => {
  const uid = crypto.randomUUID();
  const id = await addPublisher({ issuer: cluster.issuer, kubernetes: { namespace: 'ci', service_account: 'publisher', uid }, scopes: ['read'] });
  const { status, body } = await exchange(id, await serviceAccountToken('ci', 'publisher', uid));
  t.is(status, 200, JSON.stringify(body));
  t.is(body.scope, 'read');
  const recreated = await exchange(id, await serviceAccountToken('ci', 'publisher', crypto.randomUUID()));
  t.is(recreated.body.error, 'invalid_grant');
  t.regex(String(recreated.body.error_description), /kubernetes\.io\.serviceaccount\.uid/);
  const otherAccount = await exchange(id, await serviceAccountToken('ci', 'intruder', uid));
  t.regex(String(otherAccount.body.error_description), /\(subject\)/);
});

test("a binding whose issuer an admin takes off the resource's policy stops working", async (t) => {
  const uid = crypto.randomUUID();
  const id = await addPublisher({ issuer: cluster.issuer, kubernetes: { namespace: 'ci', service_account: 'nightly', uid } });
  t.is((await exchange(id, await serviceAccountToken('ci', 'nightly', uid))).status, 200);
  const path = `/resources/${encodeURIComponent(resource)}`;
  await adminCall(shared.server, shared.adminToken, 'PATCH', path, { trusted_publisher_issuers: [actions.issuer] });
  try {
    const refused = await eventually(async () => {
      const answer = await exchange(id, await serviceAccountToken('ci', 'nightly', uid));
      return answer.status === 400 ? answer : undefined;
    }, 'the refusal');
    t.is(refused.body.error, 'invalid_grant');
  } finally {
    await adminCall(shared.server, shared.adminToken, 'PATCH', path, { trusted_publisher_issuers: [actions.issuer, cluster.issuer] });
  }
});

test('a non-maintainer gets 403 listing, adding or removing; no token gets 401', async (t) => {
  const id = await addPublisher({ issuer: actions.issuer, github_actions: { ...repository, repository_id: '700000005' } });
  t.is((await call('carol', 'GET', publishersPath())).status, 403);
  t.is((await call('carol', 'POST', publishersPath(), { description: 'x', issuer: actions.issuer, github_actions: repository })).status, 403);
  t.is((await call('carol', 'DELETE', `${publishersPath()}/${id}`)).status, 403);
  t.is((await call(null, 'GET', publishersPath())).status, 401);
  t.is((await call('alice', 'GET', publishersPath())).status, 200);
});

test('admins list every binding of a resource and remove any of them', async (t) => {
  const id = await addPublisher({ issuer: actions.issuer, github_actions: { ...repository, repository_id: '700000006' } });
  const listed = await adminCall(shared.server, shared.adminToken, 'GET', publishersPath());
  t.is(listed.status, 200);
  t.true((listed.body.publishers as Array<{ id: string }>).some((publisher) => publisher.id === id));
  const removed = await adminCall(shared.server, shared.adminToken, 'DELETE', `${publishersPath()}/${id}`);
  t.is(removed.status, 200);
  const assertion = await actions.githubActionsToken('qgis/plugin-x', 'refs/heads/main', shared.server.url, { repository_id: '700000006' });
  t.is((await exchange(id, assertion)).body.error, 'invalid_client');
  const reserved = await adminCall(shared.server, shared.adminToken, 'POST', '/clients', {
    client_id: 'tgtp_ABCDEFabcdef',
    grant_types: ['client_credentials'],
    resources: [resource],
  });
  t.is(reserved.body.field, 'client_id');
});

test('adding, removing and the first use are security events naming who, the resource and the binding id', async (t) => {
  const id = await addPublisher({ issuer: actions.issuer, github_actions: { ...repository, repository_id: '700000007' } });
  const assertion = await actions.githubActionsToken('qgis/plugin-x', 'refs/heads/main', shared.server.url, { repository_id: '700000007' });
  await exchange(id, assertion);
  await exchange(id, assertion);
  const use = await eventually(() => shared.server.tollgate.selfService.publisherStore.lastUsed(id), 'the last use');
  t.is(use.ip, '127.0.0.1');
  await call('bob', 'DELETE', `${publishersPath()}/${id}`);
  const events = log.lines(/security event/).filter((line) => line.publisherId === id);
  t.deepEqual(
    events.map((line) => [line.securityEvent, line.resource]),
    [
      ['trusted_publisher.added', resource],
      ['trusted_publisher.first_used', resource],
      ['trusted_publisher.removed', resource],
    ],
  );
  t.is(events[0]?.actor, 'account:alice');
  t.is(events[2]?.actor, 'account:bob');
  t.false(log.text().includes(assertion.split('.')[1] as string), 'the CI token is never logged');
});

test('GET /self-service/openapi.json describes the publisher routes', async (t) => {
  const document = await call(null, 'GET', '/openapi.json');
  const paths = document.body.paths as Record<string, Record<string, unknown>>;
  t.deepEqual(Object.keys(paths['/resources/{identifier}/publishers'] ?? {}).sort(), ['get', 'post']);
  t.deepEqual(Object.keys(paths['/resources/{identifier}/publishers/{id}'] ?? {}), ['delete']);
});

test.serial(
  'deleting a resource server deletes its bindings: refused at once, a security event each, and a resource created again under its identifier starts without them',
  async (t) => {
    const doomed = 'https://doomed.example.org';
    const policy = {
      identifier: doomed,
      scopes: ['publish'],
      maintainers: { accounts: ['alice'] },
      self_service: true,
      self_service_max_priority: { ci: 5 },
      trusted_publisher_issuers: [actions.issuer],
    };
    t.is((await adminCall(shared.server, shared.adminToken, 'POST', '/resources', policy)).status, 201);
    const added = await call('alice', 'POST', publishersPath(doomed), {
      description: 'doomed',
      issuer: actions.issuer,
      github_actions: { repository_id: '900001', repository_owner_id: '483444' },
    });
    t.is(added.status, 201, JSON.stringify(added.body));
    const id = added.body.id as string;
    const ciToken = () => actions.githubActionsToken('qgis/plugin-x', 'refs/heads/main', shared.server.url, { repository_id: '900001' });
    t.is((await exchange(id, await ciToken(), { resource: doomed })).status, 200);

    t.is((await adminCall(shared.server, shared.adminToken, 'DELETE', `/resources/${encodeURIComponent(doomed)}`)).status, 200);
    t.is((await exchange(id, await ciToken(), { resource: doomed })).body.error, 'invalid_client');
    const removed = log.lines(/security event/).find((line) => line.securityEvent === 'trusted_publisher.removed' && line.publisherId === id);
    t.is(removed?.reason, 'resource_deleted');

    t.is((await adminCall(shared.server, shared.adminToken, 'POST', '/resources', policy)).status, 201);
    t.deepEqual((await call('alice', 'GET', publishersPath(doomed))).body.publishers, []);
    t.is((await exchange(id, await ciToken(), { resource: doomed })).body.error, 'invalid_client');
  },
);
