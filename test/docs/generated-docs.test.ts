import { readFile } from 'node:fs/promises';

import test from 'ava';

import { adminRoutes } from '../../src/admin/admin-routes.ts';
import { envSettings } from '../../src/config/env-settings.ts';
import { renderAdminApiDoc } from '../../scripts/docs/render-admin-api-doc.ts';
import { renderConfigurationDoc } from '../../scripts/docs/render-configuration-doc.ts';

const read = (file: string) => readFile(new URL(`../../${file}`, import.meta.url), 'utf8');

test('docs/configuration.md is exactly what `npm run docs:config` generates from the zod schema', async (t) => {
  const committed = await read('docs/configuration.md');
  t.true(committed === renderConfigurationDoc(), 'docs/configuration.md is stale: run `npm run docs:config` and commit the result');
});

test('docs/configuration.md names every environment variable and its setting, and every upstream and trusted-issuer field', async (t) => {
  const doc = renderConfigurationDoc();
  for (const [variable, path] of envSettings) {
    t.regex(doc, new RegExp(`^\\| \`${path.replace(/\./g, '\\.')}\` \\| \`${variable}\``, 'm'), `${path} (${variable})`);
  }
  for (const field of [
    'id',
    'name',
    'clientId',
    'clientSecretEnv',
    'provisioning',
    'reverifyAfter',
    'unreachableGrace',
    'issuer',
    'scopes',
    'claims.groups',
    'trustEmail',
    'admission.groups',
    'baseUrl',
    'apiUrl',
    'admission.orgs',
    'admission.teams',
    'jwksUri',
    'jwks',
    'maxPriority',
  ]) {
    t.regex(doc, new RegExp(`^\\| \`${field.replace(/\./g, '\\.')}\` \\|`, 'm'), field);
  }
  t.regex(doc, /^## upstreams\[\]$/m);
  t.regex(doc, /^## federation\.trustedIssuers\[\]$/m);
});

test('docs/admin-api.md is exactly what `npm run docs:admin-api` renders from the OpenAPI document', async (t) => {
  const committed = await read('docs/admin-api.md');
  t.true(committed === renderAdminApiDoc(), 'docs/admin-api.md is stale: run `npm run docs:admin-api` and commit the result');
});

test('docs/admin-api.md has a section for every admin route', (t) => {
  const doc = renderAdminApiDoc();
  for (const route of adminRoutes) {
    const title = `### ${route.method} ${route.path.replace(/:([a-z_]+)/g, '{$1}')}`;
    t.true(doc.includes(`\n${title}\n`), title);
  }
});
