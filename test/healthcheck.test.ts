import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';

import { freePort } from './helpers/free-port.ts';
import { startTestServer } from './helpers/start-server.ts';

/** Runs the container's HEALTHCHECK program with only the given environment; resolves its exit code. */
async function healthcheck(env: Record<string, string>): Promise<number | null> {
  const child = spawn(process.execPath, ['src/healthcheck.ts'], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

test('the HEALTHCHECK probes the port set in the config file, not PORT or 3000', async (t) => {
  const server = await startTestServer();
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-healthcheck-'));
  t.teardown(async () => {
    await server.stop();
    rmSync(directory, { recursive: true, force: true });
  });
  const file = join(directory, 'tollgate.json');
  writeFileSync(file, JSON.stringify({ port: Number(new URL(server.url).port) }));
  t.is(await healthcheck({ TOLLGATE_CONFIG_FILE: file }), 0);
});

test('the HEALTHCHECK fails when nothing answers on the configured port', async (t) => {
  t.is(await healthcheck({ TOLLGATE_CONFIG_FILE: '', PORT: String(await freePort()) }), 1);
});
