import test from 'ava';

import { urlOption } from '../../src/cli/option-values.ts';
import { parseCommandLine } from '../../src/cli/parse-command-line.ts';
import { generateSigningKey } from '../../src/keys/signing-keys.ts';

const options = { kid: { type: 'string' }, file: { type: 'string', short: 'f' }, scope: { type: 'string', multiple: true }, all: { type: 'boolean' } } as const;

test('a string option takes a value that starts with a dash, separate or joined', (t) => {
  t.is(parseCommandLine(['--kid', '-abc'], options).values.kid, '-abc');
  t.is(parseCommandLine(['--kid=-abc'], options).values.kid, '-abc');
  t.is(parseCommandLine(['-f', '-keys.json'], options).values.file, '-keys.json');
  t.deepEqual(parseCommandLine(['--scope', '-a', '--scope', 'b'], options).values.scope, ['-a', 'b']);
});

test('boolean options, positionals and -- are left as they were', (t) => {
  const parsed = parseCommandLine(['--all', 'name', '--', '--kid'], options, ['name', 'rest?']);
  t.is(parsed.values.all, true);
  t.deepEqual(parsed.positionals, ['name', '--kid']);
});

test('an unknown option or a missing value is a usage error with one line', (t) => {
  for (const args of [['--nope'], ['--kid']]) {
    const error = t.throws(() => parseCommandLine(args, options), { code: 'usage' });
    t.false(error?.message.includes('\n'));
  }
});

test('generated key ids never start with a dash, so they pass on any command line', async (t) => {
  for (const alg of ['ES256', 'EdDSA', 'ES256', 'EdDSA'] as const) {
    const { kid } = await generateSigningKey(alg);
    t.regex(kid as string, new RegExp(`^${alg}-[A-Za-z0-9_-]{43}$`));
  }
});

test('a server address that is not an http(s) URL is a usage error naming the option', (t) => {
  t.is(urlOption({ url: 'https://auth.example/' }, 'url', undefined), 'https://auth.example');
  t.is(urlOption({}, 'url', 'http://localhost:3000'), 'http://localhost:3000');
  t.is(urlOption({}, 'url', undefined), undefined);
  for (const url of ['notaurl', 'ftp://x'])
    t.throws(() => urlOption({ url }, 'url', undefined), { code: 'usage', message: `--url: "${url}" is not an http(s) URL` });
});
