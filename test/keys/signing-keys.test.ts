import test from 'ava';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AppError } from '../../src/errors.ts';
import { resolveConfig } from '../../src/config/load-config.ts';
import { loadSigningKeys } from '../../src/keys/signing-keys.ts';

test('a missing keys.jwksFile is refused with the command that makes one', async (t) => {
  const missing = join(tmpdir(), `tollgate-no-such-${process.pid}`, 'jwks.json');
  const error = await t.throwsAsync(loadSigningKeys({ ...resolveConfig({}).keys, jwksFile: missing }), { instanceOf: AppError });
  t.is(error?.code, 'invalid_config');
  t.true(error?.message.startsWith(`keys.jwksFile (TOLLGATE_JWKS_FILE): cannot read ${missing}: ENOENT`));
  t.true(error?.message.endsWith(`; make one with \`tollgate keys generate --out ${missing}\``));
});

test('private key files written by keys generate --out in the checkout are ignored by git', (t) => {
  for (const file of ['jwks.json', 'config/jwks.json', 'prod.jwks.json', 'signing-jwks.json', 'jwks-2026.json']) {
    // git check-ignore exits 0 when the path is ignored and 1 when it is not.
    t.notThrows(() => execFileSync('git', ['check-ignore', '-q', '--no-index', file]), file);
  }
  t.throws(() => execFileSync('git', ['check-ignore', '-q', '--no-index', 'package.json']));
});
