import test from 'ava';

import { seedResourceRecord } from '../../src/seed/seed-records.ts';
import { seedSchema } from '../../src/seed/seed-schema.ts';

test('a seeded resource server carries maintainers and the self-service policy under camelCase names', (t) => {
  const seed = seedSchema.parse({
    resourceServers: [
      {
        identifier: 'https://plugins.example.org',
        scopes: ['publish'],
        maintainers: { accounts: ['alice'], groups: [{ upstream: 'corp', group: 'plugin-team' }] },
        selfService: true,
        selfServiceMaxPriority: { ci: 2 },
        trustedPublisherIssuers: ['https://token.actions.githubusercontent.com'],
      },
    ],
  });
  const record = seedResourceRecord(seed.resourceServers[0] as (typeof seed.resourceServers)[number]);
  t.deepEqual(record.maintainers, { accounts: ['alice'], groups: [{ upstream: 'corp', group: 'plugin-team' }] });
  t.deepEqual(record.selfService, {
    enabled: true,
    maxPriority: { ci: 2 },
    maxLifetimeDays: 365,
    publisherIssuers: ['https://token.actions.githubusercontent.com'],
  });
});

test('a seeded resource server without them keeps self-service off and stores no policy', (t) => {
  const seed = seedSchema.parse({ resourceServers: [{ identifier: 'https://plain.example.org' }] });
  const record = seedResourceRecord(seed.resourceServers[0] as (typeof seed.resourceServers)[number]);
  t.is(record.maintainers, undefined);
  t.deepEqual(record.selfService, { enabled: false, maxLifetimeDays: 365, publisherIssuers: [] });
});
