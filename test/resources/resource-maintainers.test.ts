import test from 'ava';

import type { AccountRecord } from '../../src/accounts/account-record.ts';
import type { UpstreamSettings } from '../../src/config/upstream-schema.ts';
import { isMaintainer, maintainedResources } from '../../src/resources/resource-maintainers.ts';
import type { ResourceServerRecord } from '../../src/resources/resource-server-record.ts';

const now = Date.parse('2026-12-07T12:00:00Z');
const upstreams = new Map([['corp', { id: 'corp', reverifyAfter: 86400 } as UpstreamSettings]]);

const resource: ResourceServerRecord = {
  identifier: 'https://plugins.example.org',
  name: 'plugins',
  scopes: ['publish'],
  signingAlg: 'ES256',
  maintainers: { accounts: ['alice'], groups: [{ upstream: 'corp', group: 'plugin-team' }] },
  selfService: { enabled: true, maxLifetimeDays: 365, publisherIssuers: [] },
  createdAt: '',
  updatedAt: '',
};

function account(id: string, groups: string[] = [], checkedAt = new Date(now - 60_000).toISOString(), upstream = 'corp'): AccountRecord {
  return {
    id,
    username: id,
    passwordHash: '',
    disabled: false,
    identities: groups.length ? [{ upstream, subject: `${id}-sub`, groups, linkedAt: checkedAt, checkedAt }] : [],
    createdAt: '',
    updatedAt: '',
  };
}

test('an account named among the maintainers maintains the resource', (t) => {
  t.true(isMaintainer(resource, account('alice'), upstreams, now));
});

test('a member of a maintaining upstream group maintains the resource', (t) => {
  t.true(isMaintainer(resource, account('bob', ['plugin-team']), upstreams, now));
});

test('the same group name at another upstream is not the maintaining group', (t) => {
  t.false(isMaintainer(resource, account('mallory', ['plugin-team'], undefined, 'elsewhere'), upstreams, now));
});

test('a person outside every maintaining group and list does not maintain it', (t) => {
  t.false(isMaintainer(resource, account('carol', ['other-team']), upstreams, now));
  t.false(isMaintainer(resource, undefined, upstreams, now));
});

test('a disabled account maintains nothing, even when named', (t) => {
  t.false(isMaintainer(resource, { ...account('alice'), disabled: true }, upstreams, now));
});

test('a membership older than the upstream re-check interval no longer counts', (t) => {
  const stale = new Date(now - 86400_000 - 2 * 3600_000).toISOString();
  t.false(isMaintainer(resource, account('bob', ['plugin-team'], stale), upstreams, now));
});

test('a group of an upstream no longer configured no longer counts', (t) => {
  t.false(isMaintainer(resource, account('bob', ['plugin-team']), new Map(), now));
});

test('only resources with self-service on are listed as maintained', (t) => {
  const off = { ...resource, identifier: 'https://off.example.org', selfService: { enabled: false, maxLifetimeDays: 365, publisherIssuers: [] } };
  t.deepEqual(
    maintainedResources([resource, off], account('alice'), upstreams).map((record) => record.identifier),
    [resource.identifier],
  );
});
