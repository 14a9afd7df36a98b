import { randomBytes } from 'node:crypto';
import test from 'ava';

import { loadSigningKeys } from '../../src/keys/signing-keys.ts';
import { loadKeyEncryptionKey, openPrivateKey, sealPrivateKey } from '../../src/keys/key-encryption.ts';
import { configSchema } from '../../src/config/schema.ts';

const keysConfig = (fields: object) => configSchema.shape.keys.parse(fields);

test('a sealed private key opens with its key-encryption key and kid only', async (t) => {
  const kek = randomBytes(32);
  const { jwks } = await loadSigningKeys(keysConfig({}));
  const jwk = jwks.keys[0] as { kid: string; d: string };
  const sealed = sealPrivateKey(kek, jwk.kid, jwk);
  t.false(JSON.stringify(sealed).includes(jwk.d));
  t.deepEqual(openPrivateKey(kek, jwk.kid, sealed), jwk);
  t.throws(() => openPrivateKey(randomBytes(32), jwk.kid, sealed), { code: 'invalid_keys', message: /does not open signing key .* Nothing was changed/ });
  t.throws(() => openPrivateKey(kek, 'another-kid', sealed), { code: 'invalid_keys' }, 'moved under another kid, it does not open');
});

test('the key-encryption key must be 32 bytes of base64, and the error says how to make one', (t) => {
  t.is(loadKeyEncryptionKey(keysConfig({ encryptionKey: randomBytes(32).toString('base64url') })).length, 32);
  t.throws(() => loadKeyEncryptionKey(keysConfig({ source: 'store' })), {
    code: 'invalid_config',
    message: /TOLLGATE_KEY_ENCRYPTION_KEY.*openssl rand -base64 32/,
  });
  t.throws(() => loadKeyEncryptionKey(keysConfig({ encryptionKey: randomBytes(16).toString('base64') })), {
    code: 'invalid_config',
    message: /keys\.encryptionKey \(TOLLGATE_KEY_ENCRYPTION_KEY\): must be 32 bytes in base64 \(got 16\)/,
  });
  t.throws(() => loadKeyEncryptionKey(keysConfig({ encryptionKeyFile: '/nonexistent/kek' })), {
    code: 'invalid_config',
    message: /keys\.encryptionKeyFile \(TOLLGATE_KEY_ENCRYPTION_KEY_FILE\): cannot read/,
  });
});
