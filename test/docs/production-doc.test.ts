// docs/production.md cannot rot: its ```sh blocks run here, in order, in one bash process, as an
// operator would paste them, against a fresh redis-server (with a password, as in production)
// and the real server started by the page's own `tollgate serve`.
//
// What the test changes, and only this: the page's first block sets TOLLGATE_ETC, PUBLIC_URL,
// REDIS_URL and PORT for the site; their values are replaced by a scratch directory, a test URL,
// the test's Redis and a free port. `tollgate` is a shim on PATH running this checkout's CLI
// (src/cli/main.ts) with the Node running the tests. The ```sh background block (the server) is
// started in the background with its output in a log file, and its PID is kept to stop it.
// Blocks that cannot run here (the TLS proxy's nginx file, the systemd unit, the container build
// and run) are in other fence languages (```nginx, ```ini, ```conf, ```shell) and are not run.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import test from 'ava';
import { decodeJwt } from 'jose';

import { freePort } from '../helpers/free-port.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Block {
  language: string;
  background: boolean;
  body: string;
}

/** The fenced blocks of a Markdown page, in order. */
function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const match of markdown.matchAll(/^```(\S*)([^\n]*)\n([\s\S]*?)^```\s*$/gm)) {
    blocks.push({ language: match[1] ?? '', background: /\bbackground\b/.test(match[2] ?? ''), body: match[3] ?? '' });
  }
  return blocks;
}

/** One bash script of the page's ```sh blocks; the background block's last command is exec'd, so $! is the server. */
function scriptOf(blocks: Block[], settings: Record<string, string>, dir: string): string {
  const runnable = blocks.filter((block) => block.language === 'sh');
  const [first, ...rest] = runnable;
  if (!first) throw new Error('docs/production.md has no ```sh block');
  let site = first.body;
  for (const [name, value] of Object.entries(settings)) {
    const line = new RegExp(`^${name}=.*$`, 'm');
    if (!line.test(site)) throw new Error(`the first \`\`\`sh block of docs/production.md no longer sets ${name}`);
    site = site.replace(line, `${name}='${value}'`);
  }
  const parts = ['set -euo pipefail', site];
  for (const block of rest) {
    if (!block.background) {
      parts.push(block.body);
      continue;
    }
    const lines = block.body.trimEnd().split('\n');
    const last = lines.pop() as string;
    parts.push(`(\n${lines.join('\n')}\nexec ${last}\n) > '${join(dir, 'server.log')}' 2>&1 &\necho $! > '${join(dir, 'server.pid')}'`);
  }
  return `${parts.join('\n')}\n`;
}

let redis: TestRedis | undefined;
let dir: string;
let serverPid: number | undefined;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tollgate-production-doc-'));
});

test.after.always(async () => {
  serverPid ??= await readFile(join(dir, 'server.pid'), 'utf8').then(Number, () => undefined);
  if (serverPid) await stopProcess(serverPid);
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('docs/production.md, run as written against a fresh Redis, bootstraps an admin and ends with a service token', async (t) => {
  const page = await readFile(join(root, 'docs/production.md'), 'utf8');
  const blocks = fencedBlocks(page);
  t.true(
    blocks.some((block) => block.background),
    'the page starts the server in a ```sh background block',
  );

  redis = await startRedis({ password: 'production-doc-test-password' });
  const port = await freePort();
  const etc = join(dir, 'etc-tollgate');
  const publicUrl = 'https://auth.test.example';
  const script = scriptOf(blocks, { TOLLGATE_ETC: etc, PUBLIC_URL: publicUrl, REDIS_URL: `${redis.url}/0`, PORT: String(port) }, dir);
  await writeFile(join(dir, 'production.sh'), script);

  const bin = join(dir, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'tollgate'), `#!/bin/sh\nexec '${process.execPath}' '${join(root, 'src/cli/main.ts')}' "$@"\n`);
  await chmod(join(bin, 'tollgate'), 0o755);

  const child = spawn('bash', [join(dir, 'production.sh')], {
    cwd: dir,
    // A clean environment: nothing of the test's own TOLLGATE_* or REDIS_URL leaks in.
    env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: dir, LANG: 'C.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  serverPid = await readFile(join(dir, 'server.pid'), 'utf8').then(Number, () => undefined);
  const serverLog = await readFile(join(dir, 'server.log'), 'utf8').catch(() => '');
  t.is(code, 0, `the page's commands failed.\n--- stderr\n${stderr}\n--- stdout\n${stdout}\n--- server log\n${serverLog.slice(-4000)}`);

  // The last command is the service's token request: its answer is the page's last line of output.
  const answer = JSON.parse(stdout.trim().split('\n').at(-1) as string) as { access_token: string; token_type: string; scope: string };
  t.is(answer.token_type, 'Bearer');
  t.is(answer.scope, 'inventory:read');
  const claims = decodeJwt(answer.access_token);
  t.is(claims.iss, publicUrl);
  t.is(claims.aud, 'https://inventory.example.com');
  t.is(claims.client_id, 'boot-script');
  t.deepEqual(claims.max_priority, { provisioning: 10 });

  // It ran on Redis, with the admin client the bootstrap made, whose bootstrap secret was replaced.
  t.regex(serverLog, /created admin client .{0,2}tollgate-admin.{0,2} from TOLLGATE_BOOTSTRAP_ADMIN_SECRET/);
  const { Redis } = await import('ioredis');
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const keys = await client.keys('tollgate:*');
    t.true(keys.length > 0, 'tollgate wrote to the test Redis');
  } finally {
    client.disconnect();
  }
  const env = await readFile(join(etc, 'tollgate.env'), 'utf8');
  t.notRegex(env, /TOLLGATE_BOOTSTRAP_ADMIN_SECRET=/, 'the page removes the bootstrap secret from the environment file');
  for (const setting of ['TOLLGATE_JWKS_FILE', 'TOLLGATE_COOKIE_KEYS', 'TOLLGATE_SECRET_PEPPER', 'REDIS_URL', 'TOLLGATE_ISSUER'])
    t.regex(env, new RegExp(`^${setting}=`, 'm'), setting);

  // The unit file of step 8 stops it with SIGTERM: the server the page started must exit on it.
  t.truthy(serverPid);
  t.true(await stopProcess(serverPid as number), 'tollgate serve exits within 10 s of SIGTERM');
  serverPid = undefined;
});

test('docs/production.md keeps the blocks a test cannot run out of ```sh', async (t) => {
  const blocks = fencedBlocks(await readFile(join(root, 'docs/production.md'), 'utf8'));
  const runnable = blocks.filter((block) => block.language === 'sh').map((block) => block.body);
  for (const body of runnable) {
    t.false(/\b(docker|podman|systemctl|journalctl|nginx)\b/.test(body), `not runnable here: ${body.split('\n')[0]}`);
    t.false(/openssl rand -base64/.test(body), 'base64 secrets have + / = that the server refuses in a client secret');
  }
  t.true(blocks.some((block) => block.language === 'nginx'));
  t.true(blocks.some((block) => block.language === 'shell' && block.body.includes('docker run')));
});

/** SIGTERM, then SIGKILL after 10 s, by PID only; whether SIGTERM alone stopped it. */
async function stopProcess(pid: number): Promise<boolean> {
  if (!alive(pid)) return true;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (!alive(pid)) return true;
  process.kill(pid, 'SIGKILL');
  return false;
}

/** Running, and not a zombie: the server's parent (the page's bash) has exited, so nobody of ours reaps it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
