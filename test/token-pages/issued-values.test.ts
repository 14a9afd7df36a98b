import test from 'ava';

import { createMemoryStorage } from '../../src/storage/memory-storage.ts';
import { valueNames } from '../../src/storage/storage-names.ts';
import { createIssuedValues } from '../../src/token-pages/issued-values.ts';

test('a new value is shown to its session once, and waits in storage only sealed', async (t) => {
  const storage = createMemoryStorage();
  const issued = createIssuedValues(storage, 'issued-values-pepper-0123456789abcdef');
  const session = 'S'.repeat(43);
  const value = 'tgrt_AAAAAAAAAAAA_secretsecretsecretsecretsecretsecretsecretsecretsec';
  await issued.keep(session, 'tgrt_AAAAAAAAAAAA', value);
  const stored = await storage.getValue(valueNames.issuedValue(session, 'tgrt_AAAAAAAAAAAA'));
  t.truthy(stored);
  t.false(stored?.includes('secretsecret'), 'stored sealed');
  t.is(await issued.take('T'.repeat(43), 'tgrt_AAAAAAAAAAAA'), undefined, 'another session cannot take it');
  t.is(await issued.take(session, 'tgrt_AAAAAAAAAAAA'), value);
  t.is(await issued.take(session, 'tgrt_AAAAAAAAAAAA'), undefined, 'a second look shows nothing');
});
