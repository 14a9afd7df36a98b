import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import test from 'ava';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pages = [
  'README.md',
  'packages/client/README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
// Pages other branches write (key rotation, team tokens); linked before they land.
const pending = new Set(['docs/signing-keys.md', 'docs/team-tokens.md']);

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const match of withoutCode.matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = (match[1] as string)
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

test('every relative link of README.md, docs/ and the client README reaches an existing page and heading', (t) => {
  const broken: string[] = [];
  for (const page of pages) {
    const text = readFileSync(join(root, page), 'utf8');
    const prose = text.replace(/^```[\s\S]*?^```/gm, '');
    for (const match of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = match[1] as string;
      if (/^[a-z]+:/.test(link)) continue;
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const target = path === '' ? page : relative(root, join(dirname(join(root, page)), path));
      if (pending.has(target)) continue;
      if (!existsSync(join(root, target))) {
        broken.push(`${page}: ${link} (no ${target})`);
        continue;
      }
      if (anchor && target.endsWith('.md') && !anchorsOf(readFileSync(join(root, target), 'utf8')).has(anchor)) {
        broken.push(`${page}: ${link} (no heading #${anchor} in ${target})`);
      }
    }
  }
  t.deepEqual(broken, []);
});

test("README.md keeps the two commands a newcomer runs, and .ci/run runs the README's test command", (t) => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  t.true(readme.includes('```sh\nnpm ci && npm start\n```'));
  t.true(readme.includes('```sh\nnpm ci && npm test\n```'));
  t.regex(readFileSync(join(root, '.ci/run'), 'utf8'), /^npm ci && npm test$/m);
});
