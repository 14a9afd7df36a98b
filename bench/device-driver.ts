import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import type { RunningServer } from '../src/server.ts';
import { approveInBrowser, pollToken, startDeviceAuthorization } from '../test/helpers/device-login.ts';

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

const clientId = values['client-id'] as string;
// The device-login test helpers only read the server's URL.
const server = { url: values.url as string } as RunningServer;

/**
 * One complete device login over HTTP, as a CLI and a person do it (RFC 8628): device
 * authorization, code entry, sign-in, approval (the tests' browser helpers), then the
 * device-code exchange. Returns the refresh token.
 */
async function deviceLogin(): Promise<string> {
  const authorization = await startDeviceAuthorization(server, { client_id: clientId });
  const { done } = await approveInBrowser(authorization.verification_uri, authorization.user_code, {
    username: values.username as string,
    password: values.password as string,
  });
  if (done.status !== 200) throw new Error(`approval ended with ${done.status}: ${done.text.slice(0, 200)}`);
  const token = await pollToken(server, authorization.device_code, clientId);
  if (token.status !== 200 || typeof token.body.refresh_token !== 'string')
    throw new Error(`device code exchange: ${token.status} ${JSON.stringify(token.body)}`);
  return token.body.refresh_token;
}
const concurrency = Number(values.concurrency);
const target = values.count ? Number(values.count) : Infinity;
const started = performance.now();
const deadline = values.count ? Infinity : started + Number(values.duration) * 1000;

const latencies: number[] = [];
const tokens: string[] = [];
const failures: string[] = [];
let begun = 0;

async function person() {
  while (performance.now() < deadline && begun < target) {
    begun += 1;
    const flowStarted = performance.now();
    try {
      tokens.push(await deviceLogin());
      latencies.push(performance.now() - flowStarted);
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
    p50Ms: percentile(50),
    p99Ms: percentile(99),
    failures: failures.length,
    firstFailure: failures[0] ?? '',
  })}`,
);
