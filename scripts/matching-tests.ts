// Counts the src files that have a unit test at the matching path (src/a/b.ts -> test/a/b.test.ts),
// overall and by folder, so that "test/ mirrors src/" (STYLE.md 10) can be measured.
// Usage: node scripts/matching-tests.ts [repository root, default .] [--missing]
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.argv.slice(2).find((argument) => !argument.startsWith('--')) ?? '.';
const listMissing = process.argv.includes('--missing');

const sources = (readdirSync(join(root, 'src'), { recursive: true }) as string[]).filter((file) => file.endsWith('.ts')).sort();
const byFolder = new Map<string, { tested: number; total: number }>();
const missing: string[] = [];
for (const file of sources) {
  const tested = existsSync(join(root, 'test', file.replace(/\.ts$/, '.test.ts')));
  const folder = file.includes('/') ? file.slice(0, file.indexOf('/')) : '.';
  const count = byFolder.get(folder) ?? { tested: 0, total: 0 };
  byFolder.set(folder, { tested: count.tested + Number(tested), total: count.total + 1 });
  if (!tested) missing.push(relative('.', join('src', file)));
}
const tested = sources.length - missing.length;
process.stdout.write(`${tested} of ${sources.length} src files have a test at the matching path\n`);
for (const [folder, count] of [...byFolder].sort()) process.stdout.write(`  ${folder.padEnd(16)} ${count.tested} of ${count.total}\n`);
if (listMissing) process.stdout.write(`${missing.join('\n')}\n`);
