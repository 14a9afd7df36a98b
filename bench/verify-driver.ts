import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { importJWK, jwtVerify, type CryptoKey, type JWK, type KeyObject } from 'jose';

/**
 * JWT verifications per second in one process, run by bench/run.ts: either tollgate's
 * resource-server verifier helper (discovery and JWKS from the running tollgate, fetched once
 * and cached) or raw `jose.jwtVerify` with the public key already in hand. `concurrency`
 * verifications are in flight at once, as in a server handling that many requests. Prints one
 * `BENCH_JSON {...}` line.
 */
const { values } = parseArgs({
  options: {
    mode: { type: 'string' },
    issuer: { type: 'string' },
    audience: { type: 'string' },
    'jwks-file': { type: 'string' },
    tokens: { type: 'string' },
    duration: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
  },
});

type Verify = (token: string) => Promise<unknown>;
const issuer = values.issuer as string;
const audience = values.audience as string;
const tokens = readFileSync(values.tokens as string, 'utf8')
  .split('\n')
  .filter(Boolean);

async function helperVerify(): Promise<Verify> {
  // Imported by path at run time: the bench must also run on a tree without the helper.
  const modulePath = new URL('../packages/client/src/token-verifier.ts', import.meta.url).href;
  // eslint-disable-next-line no-restricted-syntax -- our own helper, by a path built from this file's URL
  const { createTokenVerifier } = (await import(modulePath)) as {
    createTokenVerifier(options: { issuer: string; audience: string }): { verify(token: string): Promise<unknown> };
  };
  const verifier = createTokenVerifier({ issuer, audience });
  return (token) => verifier.verify(token);
}

async function joseVerify(): Promise<Verify> {
  const { keys } = JSON.parse(readFileSync(values['jwks-file'] as string, 'utf8')) as { keys: JWK[] };
  const publicKeys = new Map<string, CryptoKey | KeyObject | Uint8Array>();
  for (const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...jwk } of keys) {
    publicKeys.set(jwk.kid as string, await importJWK(jwk, jwk.kty === 'EC' ? 'ES256' : jwk.kty === 'RSA' ? 'RS256' : 'EdDSA'));
  }
  return (token) => jwtVerify(token, async (header) => publicKeys.get(header.kid as string) as CryptoKey, { issuer, audience, typ: 'at+jwt' });
}

const verify = values.mode === 'helper' ? await helperVerify() : await joseVerify();
// First use: the helper discovers the issuer and fetches its keys here, outside the timing.
for (const token of tokens.slice(0, 50)) await verify(token);

const durationMs = Number(values.duration) * 1000;
const concurrency = Number(values.concurrency);
const latencies: number[] = [];
let failures = 0;
let firstFailure = '';
let next = 0;
const cpuBefore = process.cpuUsage();
const started = performance.now();

async function worker() {
  while (performance.now() - started < durationMs) {
    const token = tokens[next++ % tokens.length] as string;
    const begun = performance.now();
    try {
      await verify(token);
      latencies.push(performance.now() - begun);
    } catch (error) {
      failures += 1;
      firstFailure ||= (error as Error).message;
    }
  }
}

await Promise.all(Array.from({ length: concurrency }, worker));
const elapsedS = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
latencies.sort((a, b) => a - b);
const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))] ?? 0;

console.log(
  `BENCH_JSON ${JSON.stringify({
    verifications: latencies.length,
    elapsedS,
    perSecond: latencies.length / elapsedS,
    cpuMsPer1k: latencies.length ? (cpu.user + cpu.system) / 1000 / (latencies.length / 1000) : 0,
    p50Ms: percentile(50),
    p99Ms: percentile(99),
    failures,
    firstFailure,
  })}`,
);
