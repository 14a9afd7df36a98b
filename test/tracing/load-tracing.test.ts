import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';

import { spawnTollgate } from '../helpers/spawn-tollgate.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * tollgate installed without its optional dependencies, as `npm ci --omit=optional` leaves it:
 * src/ and node_modules without the OpenTelemetry packages but @opentelemetry/api (prom-client
 * needs it), linked into a folder of their own. Node keeps the links' paths
 * (--preserve-symlinks), so packages resolve in that folder alone.
 */
function installWithoutOpenTelemetry(): string {
  const folder = mkdtempSync(join(tmpdir(), 'tollgate-no-otel-'));
  copyFileSync(join(root, 'package.json'), join(folder, 'package.json'));
  symlinkSync(join(root, 'src'), join(folder, 'src'));
  const link = (name: string) => symlinkSync(join(root, 'node_modules', name), join(folder, 'node_modules', name));
  mkdirSync(join(folder, 'node_modules', '@opentelemetry'), { recursive: true });
  for (const name of readdirSync(join(root, 'node_modules'))) if (name !== '@opentelemetry') link(name);
  link('@opentelemetry/api');
  return folder;
}

test('tracing configured without the OpenTelemetry packages installed stops start-up with one line naming the setting and the package', async (t) => {
  const folder = installWithoutOpenTelemetry();
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  const run = (env: Record<string, string>) =>
    spawnTollgate({ PORT: '0', TOLLGATE_DEMO: 'true', ...env }, [
      process.execPath,
      '--preserve-symlinks',
      '--preserve-symlinks-main',
      join(folder, 'src', 'main.ts'),
    ]);

  const tollgate = run({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' });
  t.teardown(() => tollgate.child.kill('SIGKILL'));
  t.is(await tollgate.exited, 2);
  t.is(
    tollgate.stderr(),
    "tollgate: tracing.endpoint (OTEL_EXPORTER_OTLP_ENDPOINT) is set, but @opentelemetry/context-async-hooks is not installed: install tollgate's optional dependencies (npm ci without --omit=optional), or unset it to run without tracing\n",
  );

  // The same installation serves without tracing.
  const untraced = run({});
  t.teardown(() => untraced.child.kill('SIGKILL'));
  const listening = await untraced.waitForLog((line) => line.msg === 'tollgate listening');
  t.false(listening.tracing);
});
