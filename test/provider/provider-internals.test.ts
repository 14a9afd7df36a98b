import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import test from 'ava';
import { ESLint } from 'eslint';

import { checkedOidcProviderRange } from '../../src/provider/provider-internals.ts';

function installedOidcProviderVersion(): string {
  const manifest = createRequire(import.meta.url).resolve('oidc-provider/package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function compare(a: string, b: string): number {
  const [x, y] = [a, b].map((version) => version.split(/[.-]/).slice(0, 3).map(Number)) as [number[], number[]];
  for (let index = 0; index < 3; index++) if ((x[index] ?? 0) !== (y[index] ?? 0)) return (x[index] ?? 0) - (y[index] ?? 0);
  return 0;
}

test('the installed oidc-provider is a version its internals were checked against', (t) => {
  const version = installedOidcProviderVersion();
  const { from, below } = checkedOidcProviderRange;
  t.true(
    compare(version, from) >= 0 && compare(version, below) < 0,
    `oidc-provider ${version} is outside ${from} <= v < ${below}, the range src/provider/provider-internals.ts was checked against: ` +
      're-read every oidc-provider file named there, adjust what changed, then widen checkedOidcProviderRange',
  );
});

test('the lint rule refuses oidc-provider internals outside provider-internals.ts', async (t) => {
  const eslint = new ESLint();
  const code = [
    "import type { Provider } from 'oidc-provider';",
    'export function patch(provider: Provider, description: string) {',
    '  provider.Client.prototype.compareClientSecret = async () => true;',
    "  return description === 'no client authentication mechanism provided';",
    '}',
    '',
  ].join('\n');
  const [outside] = await eslint.lintText(code, { filePath: 'src/provider/somewhere-else.ts' });
  t.true((outside?.messages.filter((message) => message.ruleId === 'no-restricted-syntax').length ?? 0) >= 2);
  const [inside] = await eslint.lintText(code, { filePath: 'src/provider/provider-internals.ts' });
  t.deepEqual(inside?.messages.filter((message) => message.ruleId === 'no-restricted-syntax'), []);
});
