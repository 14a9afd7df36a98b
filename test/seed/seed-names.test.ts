import test from 'ava';
import { z } from 'zod';

import { seedName, seedObject } from '../../src/seed/seed-names.ts';
import { seedSchema } from '../../src/seed/seed-schema.ts';

test('seed names are the admin names in camelCase, authMethod for token_endpoint_auth_method', (t) => {
  t.is(seedName('default_resource'), 'defaultResource');
  t.is(seedName('max_priority'), 'maxPriority');
  t.is(seedName('access_token_ttl'), 'accessTokenTtl');
  t.is(seedName('token_endpoint_auth_method'), 'authMethod');
  t.is(seedName('scopes'), 'scopes');
});

test('the seed form keeps the checks and defaults and refuses unknown (admin-style) names', (t) => {
  const schema = seedObject(z.object({ default_resource: z.string().default('x'), max_queues: z.number().int() }));
  t.deepEqual(schema.parse({ maxQueues: 2 }), { defaultResource: 'x', maxQueues: 2 });
  t.false(schema.safeParse({ maxQueues: 1.5 }).success);
  t.false(schema.safeParse({ maxQueues: 2, max_queues: 2 }).success);
});

test('a seed client accepts what the admin API accepts: the device_code short name and a max_priority map', (t) => {
  const seed = seedSchema.parse({
    clients: [{ clientId: 'cli', authMethod: 'none', grantTypes: ['device_code', 'refresh_token'], maxPriority: { q: 1 } }],
  });
  t.deepEqual(seed.clients[0]?.grantTypes, ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token']);
  t.deepEqual(seed.clients[0]?.maxPriority, { q: 1 });
});

test('a bad seed max_priority is refused at its queue', (t) => {
  const result = seedSchema.safeParse({ accounts: [{ username: 'a', passwordEnv: 'A', maxPriority: { q: -1 } }] });
  t.deepEqual(result.error?.issues[0]?.path, ['accounts', 0, 'maxPriority', 'q']);
});
