import test from 'ava';

import { invalidField } from '../../src/errors.ts';
import type { ResourceServerRecord } from '../../src/resources/resource-server-record.ts';
import { trustedPublisherView } from '../../src/admin/trusted-publishers/publisher-view.ts';
import { resourceRouteOf } from '../../src/token-pages/page-routes.ts';
import { defaultPublisherForm, publisherFormFields, readPublisherForm } from '../../src/token-pages/publisher-form.ts';
import { publisherSnippets } from '../../src/token-pages/publisher-pages.ts';
import { fieldErrorOf } from '../../src/token-pages/rights-fields.ts';

const actions = 'https://token.actions.githubusercontent.com';
const cluster = 'https://kubernetes.default.svc';
const resource: ResourceServerRecord = {
  identifier: 'https://plugins.example.org',
  name: 'Plugins',
  scopes: ['publish', 'read', 'admin'],
  signingAlg: 'ES256',
  selfService: { enabled: true, scopes: ['publish', 'read'], maxPriority: { ci: 5 }, maxLifetimeDays: 30, publisherIssuers: [actions, cluster] },
  createdAt: '',
  updatedAt: '',
};
const scope = { resource, creatorMap: { ci: 3 } };
const uid = '3f1c9a52-8d4e-4b7a-9c61-2e0f5d7b8a19';

test('the form starts with the first allowed issuer, a GitHub repository and every allowed scope', (t) => {
  t.deepEqual(defaultPublisherForm(scope), {
    description: '',
    issuer: actions,
    audience: '',
    kind: 'github_actions',
    identity: {},
    scopes: ['publish', 'read'],
    priorities: {},
  });
});

test("a filled GitHub form becomes the JSON API's body: empty optional fields left out, the other kind's fields ignored", (t) => {
  const form = {
    description: ' release ',
    issuer: actions,
    kind: 'github_actions',
    repository_id: '812345678',
    repository_owner_id: '483444',
    ref: 'refs/heads/main',
    environment: '',
    uid,
    'scope:read': 'on',
    'priority:ci': '2',
  };
  const { input, errors } = readPublisherForm(form, scope);
  t.deepEqual(errors, {});
  t.deepEqual(input, {
    description: 'release',
    issuer: actions,
    github_actions: { repository_id: '812345678', repository_owner_id: '483444', ref: 'refs/heads/main' },
    scopes: ['read'],
    max_priority: { ci: 2 },
  });
});

test('a Kubernetes form takes the namespace, name and uid', (t) => {
  const { input } = readPublisherForm(
    { description: 'sync', issuer: cluster, kind: 'kubernetes', namespace: 'ci', service_account: 'publisher', uid: uid.toUpperCase(), repository_id: '1' },
    scope,
  );
  t.like(input, { issuer: cluster, kubernetes: { namespace: 'ci', service_account: 'publisher', uid } });
  t.false(input !== undefined && 'github_actions' in input);
});

test('a name alone, a name for an id, an account without its uid: each refused beside its field, saying why, the values kept', (t) => {
  const nameOnly = readPublisherForm({ description: 'x', issuer: actions, repository: 'qgis/plugin-x' }, scope);
  t.is(nameOnly.input, undefined);
  t.deepEqual(Object.keys(nameOnly.errors).sort(), ['github_actions.repository_id', 'github_actions.repository_owner_id']);
  t.regex(
    nameOnly.errors['github_actions.repository_id'] ?? '',
    /^Required: GitHub's immutable repository id .*gh api repos\/OWNER\/REPO --jq \.id.*taken again\.$/,
  );
  t.is(nameOnly.values.identity.repository, 'qgis/plugin-x');

  const nameAsId = readPublisherForm({ description: 'x', issuer: actions, repository_id: 'qgis/plugin-x', repository_owner_id: '483444' }, scope);
  t.regex(nameAsId.errors['github_actions.repository_id'] ?? '', /^Must be GitHub's numeric repository_id/);

  const noUid = readPublisherForm(
    { description: '', issuer: cluster, kind: 'kubernetes', namespace: 'ci', service_account: 'publisher', 'priority:ci': 'lots' },
    scope,
  );
  t.deepEqual(Object.keys(noUid.errors).sort(), ['description', 'kubernetes.uid', 'priority:ci']);
  t.regex(noUid.errors['kubernetes.uid'] ?? '', /^Required: the service account's uid \(kubectl get serviceaccount/);
  t.is(noUid.values.kind, 'kubernetes');
});

test('what the add call refuses goes beside its field; a binding that exists already above the form', (t) => {
  t.deepEqual(fieldErrorOf(invalidField('issuer', 'https://plugins.example.org allows trusted publishers only from x'), publisherFormFields), {
    issuer: 'https://plugins.example.org allows trusted publishers only from x.',
  });
  t.deepEqual(fieldErrorOf(invalidField('max_priority.ci', 'above your own max_priority of 3'), publisherFormFields), {
    'priority:ci': 'This priority is above your own max_priority of 3.',
  });
  t.deepEqual(fieldErrorOf(invalidField('', 'trusted publisher tgtp_x already binds this CI identity'), publisherFormFields), {
    form: 'Trusted publisher tgtp_x already binds this CI identity.',
  });
});

const record = {
  id: 'tgtp_ABCDEFabcdef',
  resource: resource.identifier,
  description: 'release',
  issuer: actions,
  scopes: ['publish'],
  createdBy: { kind: 'account' as const, id: 'alice' },
  createdAt: '2030-01-01T00:00:00.000Z',
};

test('the GitHub Actions snippet asks for the OIDC token with tollgate as audience and trades it with client_id = the publisher id, in the environment it requires', (t) => {
  const view = trustedPublisherView(
    { ...record, workload: { kind: 'github_actions', repositoryId: '1', repositoryOwnerId: '2', environment: 'release', ref: 'refs/tags/v1' } },
    undefined,
  );
  const { snippet } = publisherSnippets(view, 'Plugins', 'https://auth.example.org');
  t.regex(snippet, /^ {2}id-token: write/m);
  t.regex(snippet, /^ {4}environment: release$/m);
  t.regex(snippet, /^# The binding takes jobs on refs\/tags\/v1 only$/m);
  t.true(snippet.includes('"$ACTIONS_ID_TOKEN_REQUEST_URL&audience=https%3A%2F%2Fauth.example.org"'));
  t.true(
    snippet.includes(
      'curl -fsS https://auth.example.org/token \\\n            -d grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer \\\n            -d client_id=tgtp_ABCDEFabcdef \\',
    ),
  );
  const other = publisherSnippets({ ...view, audience: 'https://ci.example.org' }, 'Plugins', 'https://auth.example.org');
  t.true(other.snippet.includes('audience=https%3A%2F%2Fci.example.org"'), 'a binding with its own audience asks for that one');
});

test('the Kubernetes snippet mounts a projected token for tollgate and posts it from its file', (t) => {
  const view = trustedPublisherView(
    { ...record, issuer: cluster, workload: { kind: 'kubernetes', namespace: 'ci', serviceAccount: 'publisher', uid } },
    undefined,
  );
  const { snippet } = publisherSnippets(view, 'Plugins', 'https://auth.example.org');
  t.regex(snippet, /serviceAccountName: publisher/);
  t.regex(snippet, /serviceAccountToken:\n\s+path: token\n\s+audience: https:\/\/auth\.example\.org/);
  t.regex(snippet, /-d client_id=tgtp_ABCDEFabcdef \\\n {2}--data-urlencode assertion@\/var\/run\/secrets\/tollgate\/token$/);
});

test('the pages under a resource are read from the path once, ids by their shape', (t) => {
  const base = `/resources/${encodeURIComponent(resource.identifier)}`;
  t.deepEqual(resourceRouteOf(base), { identifier: resource.identifier, route: { page: 'resource' } });
  t.deepEqual(resourceRouteOf(`${base}/tokens`)?.route, { page: 'create' });
  t.deepEqual(resourceRouteOf(`${base}/tokens/tgrt_ABCDEFabcdef/rotate`)?.route, { page: 'rotate', tokenId: 'tgrt_ABCDEFabcdef' });
  t.deepEqual(resourceRouteOf(`${base}/publishers`)?.route, { page: 'add-publisher' });
  t.deepEqual(resourceRouteOf(`${base}/publishers/tgtp_ABCDEFabcdef`)?.route, { page: 'publisher', publisherId: 'tgtp_ABCDEFabcdef' });
  t.deepEqual(resourceRouteOf(`${base}/publishers/tgtp_ABCDEFabcdef/remove`)?.route, { page: 'remove-publisher', publisherId: 'tgtp_ABCDEFabcdef' });
  for (const path of [
    `${base}/publishers/tgrt_ABCDEFabcdef`,
    `${base}/tokens/publishers`,
    `${base}/publishers/tgtp_ABCDEFabcdef/revoke`,
    '/resources/%E0%A4%A',
  ])
    t.is(resourceRouteOf(path), undefined, path);
});
