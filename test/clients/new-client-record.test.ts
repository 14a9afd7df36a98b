import test from 'ava';

import { grantTypes } from '../../src/clients/client-record.ts';
import { newClientRecord } from '../../src/clients/new-client-record.ts';

test('a new client gets the defaults: its id as name, no secrets, scopes or resources, enabled', (t) => {
  const record = newClientRecord(
    { clientId: 'svc', grantTypes: [grantTypes.clientCredentials], authMethod: 'client_secret_basic' },
    '2026-01-01T00:00:00.000Z',
  );
  t.deepEqual(record, {
    clientId: 'svc',
    name: 'svc',
    description: '',
    grantTypes: [grantTypes.clientCredentials],
    authMethod: 'client_secret_basic',
    secrets: [],
    scopes: [],
    resources: [],
    disabled: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  });
});

test('undefined fields take the default and optional ones stay absent, so built records compare equal', (t) => {
  const record = newClientRecord({
    clientId: 'svc',
    name: undefined,
    grantTypes: [grantTypes.clientCredentials],
    authMethod: 'client_secret_basic',
    defaultResource: undefined,
    maxPriority: undefined,
    disabled: undefined,
    createdAt: undefined,
  });
  t.is(record.name, 'svc');
  t.false(record.disabled);
  t.false('defaultResource' in record);
  t.false('maxPriority' in record);
  t.is(record.createdAt, record.updatedAt);
});

test('given fields win over the defaults', (t) => {
  const record = newClientRecord(
    {
      clientId: 'svc',
      name: 'Service',
      grantTypes: [grantTypes.clientCredentials],
      authMethod: 'client_secret_post',
      maxPriority: { q: 1 },
      disabled: true,
      createdAt: '2025-01-01T00:00:00.000Z',
    },
    '2026-01-01T00:00:00.000Z',
  );
  t.like(record, {
    name: 'Service',
    authMethod: 'client_secret_post',
    maxPriority: { q: 1 },
    disabled: true,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  });
});
