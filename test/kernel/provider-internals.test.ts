import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import test from 'ava';
import { ESLint } from 'eslint';

import { checkedOidcProviderRange } from '../../src/kernel/provider-internals.ts';

function installedOidcProviderVersion(): string {
  const manifest = createRequire(import.meta.url).resolve('oidc-provider/package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function compare(a: string, b: string): number {
  const [x, y] = [a, b].map((version) => version.split(/[.-]/).slice(0, 3).map(Number)) as [number[], number[]];
  for (let index = 0; index < 3; index++) if ((x[index] ?? 0) !== (y[index] ?? 0)) return (x[index] ?? 0) - (y[index] ?? 0);
  return 0;
}

test('the installed oidc-provider is the minor its internals were reviewed in', (t) => {
  const version = installedOidcProviderVersion();
  const { from, below } = checkedOidcProviderRange;
  t.true(
    compare(version, from) >= 0 && compare(version, below) < 0,
    `oidc-provider ${version} is outside ${from} <= v < ${below}, the range src/kernel/provider-internals.ts was checked against: ` +
      're-read every oidc-provider file named there (and run test/provider/router-parity.test.ts), adjust what changed, then move checkedOidcProviderRange',
  );
});

test('the reviewed range is one minor, narrower than what package.json lets npm install', (t) => {
  const [fromMajor, fromMinor] = checkedOidcProviderRange.from.split('.').map(Number) as [number, number];
  t.is(checkedOidcProviderRange.below as string, `${fromMajor}.${fromMinor + 1}.0`);
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
  t.is(
    manifest.dependencies['oidc-provider'],
    `^${checkedOidcProviderRange.from}`,
    'package.json allows any 9.x; the pin above is what stops an unreviewed minor',
  );
});

// Probe sources: each is a way into oidc-provider's internals. The strings are assembled so that
// this file itself does not contain what the lint refuses.
const lib = ['oidc-provider', 'lib', 'helpers', 'weak_cache.js'].join('/');
const english = ['no client authentication', 'mechanism provided'].join(' ');
const probes: Record<string, string> = {
  'a static import of a subpath': `import instance from '${lib}';\nexport const x = instance;\n`,
  'a relative path into node_modules': `import instance from '../../node_modules/${lib}';\nexport const x = instance;\n`,
  'createRequire of a subpath': `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nexport const x: unknown = require('${lib}');\n`,
  'createRequire called at once': `import { createRequire } from 'node:module';\nexport const x: unknown = createRequire(import.meta.url)('${lib}');\n`,
  'createRequire of a computed name': `import { createRequire } from 'node:module';\nexport const x: unknown = createRequire(import.meta.url)(['oidc-provider', 'lib'].join('/'));\n`,
  'createRequire under another name': `import { createRequire } from 'node:module';\nconst load = createRequire(import.meta.url);\nexport const x: unknown = load('ok');\n`,
  'a dynamic import of a subpath': `export const x: unknown = await import('${lib}');\n`,
  'a dynamic import of a computed name': `const name = ['oidc-provider', 'lib'].join('/');\nexport const x: unknown = await import(name);\n`,
  'a template literal path': 'const version = 9;\nexport const x = `' + lib + '?v=${version}`;\n',
  'an undocumented name from the package': `import { instance } from 'oidc-provider';\nexport const x: unknown = instance;\n`,
  'a Session.prototype patch': `import type Provider from 'oidc-provider';\nexport function patch(provider: Provider) {\n  (provider as unknown as { Session: { prototype: { persist(): Promise<void> } } }).Session.prototype.persist = async () => {};\n}\n`,
  'a Client.prototype patch': `import type Provider from 'oidc-provider';\nexport function patch(provider: Provider) {\n  provider.Client.prototype.compareClientSecret = async () => true;\n}\n`,
  'middleware.unshift': `import type Provider from 'oidc-provider';\nexport function first(provider: Provider) {\n  (provider as unknown as { middleware: unknown[] }).middleware.unshift(() => undefined);\n}\n`,
  "defineProperty(request, 'secure')": `import type Provider from 'oidc-provider';\nexport function secure(provider: Provider) {\n  Object.defineProperty((provider as unknown as { request: object }).request, 'secure', { value: true });\n}\n`,
  "Reflect.defineProperty(request, 'secure')": `export function secure(request: object) {\n  Reflect.defineProperty(request, 'secure', { value: true });\n}\n`,
  "the provider's koa request prototype": `import type Provider from 'oidc-provider';\nexport const requestOf = (provider: Provider & { request?: object }) => provider.request;\n`,
  "the router's bookkeeping": `export const routeOf = (ctx: { _matchedRouteName?: string }) => ctx._matchedRouteName;\n`,
  'replacing the request the provider reads': `import type { Context } from 'koa';\nexport function swap(ctx: Context, other: Context['req']) {\n  ctx.req = other;\n}\n`,
  "subclassing the provider's errors": `import { errors } from 'oidc-provider';\nexport class Mine extends errors.OIDCProviderError {}\n`,
  "matching the provider's English descriptions": `export const missing = (description: string) => description === '${english}';\n`,
};

// One linter for every probe: building one loads the TypeScript parser and the whole configuration.
const eslint = new ESLint();
const refused = (messages: ESLint.LintResult['messages']) =>
  messages.filter((message) => message.ruleId === 'no-restricted-syntax' || message.ruleId === 'no-restricted-imports');

for (const [name, code] of Object.entries(probes)) {
  test(`the fence refuses ${name} in src/, test/ and bench/`, async (t) => {
    for (const filePath of [
      'src/provider/somewhere-else.ts',
      'src/storage/anywhere.ts',
      'test/provider/probe.test.ts',
      'bench/lib/probe.ts',
      'bench/baseline-server.ts',
    ]) {
      const [result] = await eslint.lintText(code, { filePath });
      t.true(refused(result?.messages ?? []).length > 0, `${filePath}:\n${code}`);
    }
  });
}

test('inside provider-internals.ts the same code passes the fence', async (t) => {
  for (const [name, code] of Object.entries(probes)) {
    const [result] = await eslint.lintText(code, { filePath: 'src/kernel/provider-internals.ts' });
    t.deepEqual(refused(result?.messages ?? []), [], name);
  }
});

test('the documented API of oidc-provider may be imported anywhere', async (t) => {
  const code = [
    "import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';",
    'export const make = (issuer: string, configuration: Configuration) => new Provider(issuer, configuration);',
    'export const refuse = (ctx: KoaContextWithOIDC) => new errors.InvalidRequest(String(ctx.oidc.route));',
    '',
  ].join('\n');
  for (const filePath of ['src/pages/anything.ts', 'test/anything.test.ts', 'bench/anything.ts']) {
    const [result] = await eslint.lintText(code, { filePath });
    t.deepEqual(refused(result?.messages ?? []), [], filePath);
  }
});
