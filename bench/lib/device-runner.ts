import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { fixtures } from './tollgate-fixtures.ts';

const driver = fileURLToPath(new URL('../device-driver.ts', import.meta.url));

export interface DeviceDriverResult {
  completions: number;
  elapsedS: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  firstFailure: string;
  command: string;
}

/** Runs bench/device-driver.ts against tollgate's demo device client and account. */
export async function runDeviceDriver(
  url: string,
  options: { concurrency: number; durationS?: number; count?: number; tokensFile?: string },
): Promise<DeviceDriverResult> {
  const args = [
    driver,
    '--url',
    url,
    '--client-id',
    fixtures.deviceClientId,
    '--username',
    'demo',
    '--password',
    fixtures.demoPassword,
    '--concurrency',
    String(options.concurrency),
    ...(options.count ? ['--count', String(options.count)] : ['--duration', String(options.durationS ?? 10)]),
    ...(options.tokensFile ? ['--tokens', options.tokensFile] : []),
  ];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`device driver exited with ${code}:\n${text}`))));
  });
  const line = output.split('\n').find((text) => text.startsWith('BENCH_JSON '));
  if (!line) throw new Error(`device driver printed no result:\n${output}`);
  const command = `node bench/device-driver.ts --url <tollgate> --client-id ${fixtures.deviceClientId} --username demo --password *** --concurrency ${options.concurrency} ${options.count ? `--count ${options.count}` : `--duration ${options.durationS ?? 10}`}`;
  return { ...(JSON.parse(line.slice('BENCH_JSON '.length)) as Omit<DeviceDriverResult, 'command'>), command };
}
