import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { generateKeyPair, jwtVerify, SignJWT } from 'jose';

import type { createIssuerKeys as CreateIssuerKeys } from '../src/federation/issuer-keys.ts';
import { startTestIssuer } from '../test/helpers/test-issuer.ts';

/**
 * `node bench/issuer-keys-outage.ts [src-dir]`: what an outage of a trusted issuer, and a burst
 * of forged kids, cost jwt-bearer requests (issue 21 item 18), measured on createIssuerKeys of
 * `src-dir` (default: this checkout's src) with its default timings and real HTTP on loopback.
 *
 * 1. hanging issuer: an HTTP server that accepts and never answers; a request every 200 ms for
 *    20 s; the latency of each until it is refused, and how many fetches were started.
 * 2. rotation during a forged-kid burst: keys warm, then an unknown kid every 50 ms; 2 s in, the
 *    issuer publishes a new key and signs with it; the time until its first assertion verifies.
 */
const source = resolve(process.argv[2] ?? new URL('../src', import.meta.url).pathname);
// eslint-disable-next-line no-restricted-syntax -- our own module, from the source tree named on the command line (before/after)
const { createIssuerKeys } = (await import(pathToFileURL(resolve(source, 'federation/issuer-keys.ts')).href)) as { createIssuerKeys: typeof CreateIssuerKeys };
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function hangingIssuer(): Promise<{ issuer: string; connections: () => number; server: Server }> {
  let connections = 0;
  const server = createServer(() => {}); // accepts, reads, never answers
  server.on('connection', () => connections++);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections, server };
}

async function measureHanging() {
  const hanging = await hangingIssuer();
  const keys = createIssuerKeys({ issuer: hanging.issuer });
  const { privateKey } = await generateKeyPair('ES256');
  const token = await new SignJWT({ iss: hanging.issuer }).setProtectedHeader({ alg: 'ES256', kid: 'k' }).sign(privateKey);
  const latencies: Promise<number>[] = [];
  const started = performance.now();
  while (performance.now() - started < 20_000) {
    const at = performance.now();
    latencies.push(
      jwtVerify(token, keys).then(
        () => Number.NaN,
        () => performance.now() - at,
      ),
    );
    await sleep(200);
  }
  const done = (await Promise.all(latencies)).sort((a, b) => a - b);
  const quantile = (q: number) => done[Math.min(done.length - 1, Math.floor(q * done.length))] as number;
  hanging.server.closeAllConnections();
  hanging.server.close();
  const slow = done.filter((ms) => ms > 1000).length;
  return {
    requests: done.length,
    medianMs: Math.round(quantile(0.5)),
    p90Ms: Math.round(quantile(0.9)),
    maxMs: Math.round(quantile(1)),
    over1s: slow,
    fetchesStarted: hanging.connections(),
  };
}

async function measureRotation() {
  const issuer = await startTestIssuer();
  const keys = createIssuerKeys({ issuer: issuer.issuer });
  await jwtVerify(await issuer.mint({ sub: 's' }), keys);
  let forging = true;
  const { privateKey } = await generateKeyPair('RS256');
  const burst = (async () => {
    while (forging) {
      const forged = await new SignJWT({ iss: issuer.issuer, sub: 's' })
        .setProtectedHeader({ alg: 'RS256', kid: `forged-${crypto.randomUUID()}` })
        .sign(privateKey);
      void jwtVerify(forged, keys).catch(() => {});
      await sleep(50);
    }
  })();
  await sleep(2000);
  const rotatedAt = performance.now();
  await issuer.rotate();
  let attempts = 0;
  for (;;) {
    attempts++;
    const ok = await jwtVerify(await issuer.mint({ sub: 's' }), keys).then(
      () => true,
      () => false,
    );
    if (ok) break;
    await sleep(50);
  }
  const pickUpMs = Math.round(performance.now() - rotatedAt);
  forging = false;
  await burst;
  const jwksFetches = issuer.count('/openid/v1/jwks');
  await issuer.stop();
  return { pickUpMs, attemptsUntilAccepted: attempts, jwksFetches };
}

console.log(JSON.stringify({ source, hangingIssuer: await measureHanging(), rotationDuringForgedBurst: await measureRotation() }, null, 2));
