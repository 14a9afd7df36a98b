// Package test (npm run package:test): packs both packages as npm would publish them (prepack
// builds dist/), installs the two tarballs into a scratch project, type-checks a small service
// and API written against them, then runs the packed server and that service and API against it.
// Before that, the server tarball alone is installed into an empty folder, as documented: it must
// bring its bundled @tollgate/client, no Node binary, and refuse an old Node with a clear message.
// Not part of `npm test`: packing builds everything and the install takes a minute or two.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'tollgate-package-test-'));
const secret = 'package-test-demo-secret-0123456789';
const log = (message: string) => process.stdout.write(`[package-test] ${message}\n`);
const run = (command: string, args: string[], cwd: string) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
  name: string;
}

function pack(args: string[]): Packed {
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', scratch, ...args], root)) as Packed[];
  if (!packed) throw new Error('npm pack printed nothing');
  log(
    `${packed.name}: ${packed.filename} ${(packed.size / 1024).toFixed(1)} kB packed, ${(packed.unpackedSize / 1024).toFixed(1)} kB unpacked, ${packed.files.length} files`,
  );
  return packed;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`FAIL: ${message}`);
  log(`ok: ${message}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let tollgate: ReturnType<typeof spawn> | undefined;
try {
  // The server's prepack builds both packages; the client's own prepack then rebuilds it alone.
  const server = pack([]);
  const client = pack(['-w', '@tollgate/client']);
  const serverFiles = server.files.map((file) => file.path);
  check(serverFiles.includes('dist/main.js') && serverFiles.includes('dist/index.d.ts'), 'the server tarball has dist/');
  check(!serverFiles.some((path) => path.startsWith('src/') || path.endsWith('.map')), 'the server tarball has no src/ and no source maps');
  check(
    client.files.some((file) => file.path === 'dist/index.js'),
    'the client tarball has dist/',
  );
  const clientManifest = JSON.parse(run('tar', ['-xzOf', join(scratch, client.filename), 'package/package.json'], root)) as {
    dependencies: Record<string, string>;
  };
  check(Object.keys(clientManifest.dependencies).join() === 'jose', '@tollgate/client depends on jose alone');
  check(serverFiles.includes('LICENSE') && client.files.some((file) => file.path === 'LICENSE'), 'both tarballs carry LICENSE');
  check(serverFiles.includes('node_modules/@tollgate/client/dist/index.js'), 'the server tarball bundles @tollgate/client');
  const serverManifest = JSON.parse(run('tar', ['-xzOf', join(scratch, server.filename), 'package/package.json'], root)) as Record<
    string,
    Record<string, string> | undefined
  >;
  check(
    !JSON.stringify({ ...serverManifest.dependencies, ...serverManifest.optionalDependencies }).includes('"node-'),
    'the server package depends on no Node binary package',
  );

  // The documented install: the server tarball alone, in an empty folder.
  const alone = join(scratch, 'alone');
  execFileSync('mkdir', ['-p', alone]);
  writeFileSync(join(alone, 'package.json'), JSON.stringify({ name: 'alone', private: true }));
  log('npm install ./tollgate-<v>.tgz alone in an empty folder');
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(scratch, server.filename)], alone);
  check(existsSync(join(alone, 'node_modules/.bin/tollgate')), 'the server tarball installs by itself (no E404 for @tollgate/client)');
  check(
    !existsSync(join(alone, 'node_modules/.bin/node')) && !readdirSync(join(alone, 'node_modules')).some((name) => name.startsWith('node-')),
    "installing it brings no Node binary and does not take over the consumer's node",
  );
  const oldNode = '/usr/bin/node';
  if (existsSync(oldNode) && Number(run(oldNode, ['-p', 'process.versions.node.split(".")[0]'], alone).trim()) < 24) {
    const serve = spawnSync(oldNode, [join(alone, 'node_modules/tollgate/dist/cli/main.js'), 'serve'], {
      cwd: alone,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', PORT: '0' },
      timeout: 30_000,
    });
    check(
      serve.status === 1 && /^tollgate: Node\.js 24\.12 or later is required/.test(serve.stderr) && !serve.stderr.includes('oidc-provider'),
      `tollgate serve on ${oldNode} says Node 24.12 is required and exits 1: ${serve.stderr.trim()}`,
    );
  }

  const project = join(scratch, 'project');
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'scratch',
        private: true,
        type: 'module',
        dependencies: { '@tollgate/client': `file:../${client.filename}`, tollgate: `file:../${server.filename}` },
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'es2024',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
        allowImportingTsExtensions: true,
      },
      include: ['*.ts'],
    }),
  );
  // A service that calls an API with its own client-credentials token; the API verifies it.
  writeFileSync(
    join(project, 'service-and-api.ts'),
    `import { createServer } from 'node:http';
import { createClientCredentialsTokenSource, createTokenVerifier, TokenVerificationError, type VerifiedAccessToken } from '@tollgate/client';
import * as server from 'tollgate';

const issuer = process.argv[2] as string;
const audience = 'urn:tollgate:demo';
// tollgate bundles its own copy of @tollgate/client (bundleDependencies), so a project that also
// installs the client has two copies: the same helpers, not the same function objects.
if (typeof server.createTokenVerifier !== 'function' || server.createTokenVerifier.name !== createTokenVerifier.name) throw new Error('tollgate does not re-export @tollgate/client');

const verifier = createTokenVerifier({ issuer, audience });
const api = createServer(async (req, res) => {
  try {
    const principal: VerifiedAccessToken = await verifier.verify((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hello: principal.clientId, maxPriority: principal.maxPriority }));
  } catch (error) {
    res.writeHead(401).end(error instanceof TokenVerificationError ? error.code : 'error');
  }
});
await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
const url = \`http://127.0.0.1:\${(api.address() as { port: number }).port}/\`;

const tokens = createClientCredentialsTokenSource({ issuer, clientId: 'demo', clientSecret: process.argv[3] as string, resource: audience });
const answer = await fetch(url, { headers: { authorization: \`Bearer \${await tokens.get()}\` } });
const refused = await fetch(url, { headers: { authorization: 'Bearer not-a-jwt' } });
process.stdout.write(JSON.stringify({ status: answer.status, body: await answer.json(), refused: refused.status }) + '\\n');
api.close();
`,
  );

  log('npm install of both tarballs in a scratch project');
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], project);
  run(join(root, 'node_modules/.bin/tsc'), ['-p', project], project);
  log('ok: the service and API type-check against the installed packages');

  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  tollgate = spawn(process.execPath, [join(project, 'node_modules/tollgate/dist/main.js')], {
    cwd: project,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      TOLLGATE_HOST: '127.0.0.1',
      TOLLGATE_ISSUER: issuer,
      TOLLGATE_DEMO: 'true',
      TOLLGATE_DEMO_SECRET: secret,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  tollgate.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  for (let i = 0; i < 300 && !output.includes('"tollgate listening"'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  check(output.includes('"tollgate listening"'), `the packed server (node_modules/tollgate/dist/main.js) listens on ${issuer}`);

  const result = JSON.parse(run(process.execPath, ['service-and-api.ts', issuer, secret], project)) as {
    status: number;
    body: { hello: string };
    refused: number;
  };
  check(result.status === 200 && result.body.hello === 'demo', `the service's token is accepted by the API: ${JSON.stringify(result.body)}`);
  check(result.refused === 401, 'the API refuses a bad token');
  const lockfile = readFileSync(join(project, 'package-lock.json'), 'utf8');
  check(!lockfile.includes('registry.npmjs.org/@tollgate'), '@tollgate/client came from its tarball, not a registry');
  log('all checks passed');
} finally {
  if (tollgate && tollgate.exitCode === null) {
    tollgate.kill('SIGTERM');
    await once(tollgate, 'exit');
  }
  rmSync(scratch, { recursive: true, force: true });
}
