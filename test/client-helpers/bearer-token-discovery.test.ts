import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';

import { findBearerToken } from '../../packages/client/src/index.ts';

const uid = process.getuid?.() ?? 1000;

/** A fresh directory for one test; `runtime` names a directory that does not exist. */
function scratch(t: { teardown(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bt-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, runtime: join(dir, 'runtime'), tmp: join(dir, 'tmp') };
}

test('BEARER_TOKEN wins and is trimmed', (t) => {
  const { tmp } = scratch(t);
  const found = findBearerToken({ BEARER_TOKEN: '  abc.def.ghi\n', BEARER_TOKEN_FILE: '/nonexistent' }, { uid, tmpDir: tmp });
  t.deepEqual(found, { found: true, token: 'abc.def.ghi', source: 'BEARER_TOKEN' });
});

test('BEARER_TOKEN_FILE is read and trimmed when BEARER_TOKEN is unset or blank', (t) => {
  const { dir, tmp } = scratch(t);
  const file = join(dir, 'token');
  writeFileSync(file, '\n file-token \n');
  t.deepEqual(findBearerToken({ BEARER_TOKEN: '  ', BEARER_TOKEN_FILE: file }, { uid, tmpDir: tmp }), { found: true, token: 'file-token', source: file });
});

test('an unreadable BEARER_TOKEN_FILE ends the search with the reason', (t) => {
  const { dir } = scratch(t);
  writeFileSync(join(dir, `bt_u${uid}`), 'should-not-be-used');
  const missing = join(dir, 'missing');
  const found = findBearerToken({ BEARER_TOKEN_FILE: missing }, { uid, tmpDir: dir });
  t.false(found.found);
  if (found.found) return;
  t.deepEqual(found.searched, ['BEARER_TOKEN', missing]);
  t.regex(found.problem ?? '', /cannot be read \(ENOENT\)/);
});

test('$XDG_RUNTIME_DIR/bt_u$UID comes before /tmp/bt_u$UID', (t) => {
  const { dir } = scratch(t);
  writeFileSync(join(dir, `bt_u${uid}`), 'runtime-token\n');
  const other = mkdtempSync(join(tmpdir(), 'tollgate-bt-tmp-'));
  t.teardown(() => rmSync(other, { recursive: true, force: true }));
  writeFileSync(join(other, `bt_u${uid}`), 'tmp-token');
  t.deepEqual(findBearerToken({ XDG_RUNTIME_DIR: dir }, { uid, tmpDir: other }), { found: true, token: 'runtime-token', source: join(dir, `bt_u${uid}`) });
});

test('/tmp/bt_u$UID is the last resort; empty files are skipped', (t) => {
  const { dir } = scratch(t);
  const other = mkdtempSync(join(tmpdir(), 'tollgate-bt-tmp-'));
  t.teardown(() => rmSync(other, { recursive: true, force: true }));
  writeFileSync(join(dir, `bt_u${uid}`), '   \n');
  writeFileSync(join(other, `bt_u${uid}`), 'tmp-token');
  chmodSync(join(other, `bt_u${uid}`), 0o600);
  t.deepEqual(findBearerToken({ XDG_RUNTIME_DIR: dir }, { uid, tmpDir: other }), { found: true, token: 'tmp-token', source: join(other, `bt_u${uid}`) });
});

test('a default-location file owned by another user is ignored', (t) => {
  const { dir } = scratch(t);
  // The file is ours; asking as another uid makes it "someone else's" file of that name.
  writeFileSync(join(dir, `bt_u${uid + 1}`), 'planted');
  const found = findBearerToken({}, { uid: uid + 1, tmpDir: dir });
  t.false(found.found);
});

test('nothing anywhere is a clear not-found listing every place searched', (t) => {
  const { dir, runtime } = scratch(t);
  const found = findBearerToken({ XDG_RUNTIME_DIR: runtime }, { uid, tmpDir: dir });
  t.deepEqual(found, { found: false, searched: ['BEARER_TOKEN', join(runtime, `bt_u${uid}`), join(dir, `bt_u${uid}`)] });
});
