// npm run docs:config / npm run docs:admin-api: writes a generated page of docs/ from its source
// (the zod configuration schema, the admin API's OpenAPI document). test/docs/generated-docs.test.ts
// fails when a committed page differs from what this writes.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { renderAdminApiDoc } from './render-admin-api-doc.ts';
import { renderConfigurationDoc } from './render-configuration-doc.ts';

const generatedDocs = {
  configuration: { file: 'docs/configuration.md', render: renderConfigurationDoc },
  'admin-api': { file: 'docs/admin-api.md', render: renderAdminApiDoc },
} as const;

const name = process.argv[2] as keyof typeof generatedDocs | undefined;
const doc = name ? generatedDocs[name] : undefined;
if (!doc) {
  process.stderr.write(`usage: node scripts/docs/write-doc.ts ${Object.keys(generatedDocs).join('|')}\n`);
  process.exit(2);
}
const target = fileURLToPath(new URL(`../../${doc.file}`, import.meta.url));
writeFileSync(target, doc.render());
process.stdout.write(`wrote ${doc.file}\n`);
