import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { completeDeviceLogin } from '../test/helpers/complete-device-login.ts';

/**
 * Load driver for device logins, run as its own process by bench/run.ts: `concurrency` people
 * log in back to back for `duration` seconds (or until `count` logins are done). wrk cannot do
 * this (each login is a dozen dependent requests with cookies and HTML forms), so it is Node.
 * Prints one `BENCH_JSON {...}` line; writes the refresh tokens it obtained to `--tokens`.
 */
const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'client-id': { type: 'string' },
    username: { type: 'string' },
    password: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    duration: { type: 'string', default: '10' },
    count: { type: 'string' },
    tokens: { type: 'string' },
  },
});

const options = { url: values.url as string, clientId: values['client-id'] as string, username: values.username as string, password: values.password as string };
const concurrency = Number(values.concurrency);
const target = values.count ? Number(values.count) : Infinity;
const started = performance.now();
const deadline = values.count ? Infinity : started + Number(values.duration) * 1000;

const latencies: number[] = [];
const tokens: string[] = [];
const failures: string[] = [];
let requests = 0;
let begun = 0;

async function person() {
  while (performance.now() < deadline && begun < target) {
    begun += 1;
    const flowStarted = performance.now();
    try {
      const result = await completeDeviceLogin(options);
      latencies.push(performance.now() - flowStarted);
      tokens.push(result.refreshToken);
      requests += result.requests;
    } catch (error) {
      failures.push((error as Error).message);
      if (failures.length > 20 && tokens.length === 0) break; // broken, not slow: stop early
    }
  }
}

await Promise.all(Array.from({ length: concurrency }, person));
const elapsedS = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const percentile = (p: number) => (latencies.length ? (latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] as number) : 0);
if (values.tokens) writeFileSync(values.tokens, tokens.join('\n') + '\n');

console.log(
  `BENCH_JSON ${JSON.stringify({
    completions: latencies.length,
    elapsedS,
    perSecond: latencies.length / elapsedS,
    requestsPerCompletion: latencies.length ? requests / latencies.length : 0,
    p50Ms: percentile(50),
    p99Ms: percentile(99),
    failures: failures.length,
    firstFailure: failures[0] ?? '',
  })}`,
);
