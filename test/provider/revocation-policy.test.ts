import test from 'ava';

import { revocationAllowed } from '../../src/provider/revocation-policy.ts';

const ctx = {} as never;

test('a client may revoke its own tokens (RFC 7009 §2.1)', async (t) => {
  t.true(await revocationAllowed(ctx, { clientId: 'a', clientAuthMethod: 'client_secret_basic' }, { clientId: 'a' }));
  t.true(await revocationAllowed(ctx, { clientId: 'cli', clientAuthMethod: 'none' }, { clientId: 'cli' }));
});

test("a confidential client is told it may not revoke another's token", async (t) => {
  await t.throwsAsync(revocationAllowed(ctx, { clientId: 'a', clientAuthMethod: 'client_secret_basic' }, { clientId: 'b' }), { message: 'invalid_request' });
});

test("a public client asking for another's token learns nothing and changes nothing", async (t) => {
  t.false(await revocationAllowed(ctx, { clientId: 'cli', clientAuthMethod: 'none' }, { clientId: 'other' }));
});
