import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { BenchContext } from '../lib/context.ts';
import { median, type Row, type Summary } from '../lib/results.ts';
import { repoRoot } from '../lib/servers.ts';
import { basicAuthorization, fixtures } from '../lib/tollgate-fixtures.ts';
import { round } from '../lib/wrk.ts';

const concurrency = 16;
const tokenCount = 200;

interface DriverResult {
  verifications: number;
  perSecond: number;
  cpuMsPer1k: number;
  p50Ms: number;
  p99Ms: number;
  failures: number;
  firstFailure: string;
}

/**
 * The resource-server verifier helper (packages/client/src/token-verifier.ts: discovery, cached
 * remote JWKS, every RFC 9068 check, max_priority parsing) against raw `jose.jwtVerify` with
 * the public key in hand, on the same tokens issued by tollgate, in a separate process
 * (bench/verify-driver.ts), helper and jose alternating run by run.
 */
export async function verifierRows(context: BenchContext): Promise<Row[]> {
  const scenario = (alg: string) => `JWT verification ${alg}`;
  if (!existsSync(join(repoRoot, 'packages', 'client', 'src', 'token-verifier.ts'))) {
    return [
      {
        scenario: scenario('ES256'),
        load: 'in process',
        unit: 'verifications/s',
        subject: 'verifier helper',
        note: 'not yet available: the verifier helper (packages/client/src/token-verifier.ts) is not in this tree yet',
      },
    ];
  }
  const rows: Row[] = [];
  for (const alg of ['ES256', 'RS256'] as const) {
    const audience = fixtures.resources[alg];
    const tokensFile = join(context.tmpDir, `tokens-${alg}.txt`);
    writeFileSync(tokensFile, (await issueTokens(context.tollgate.url, audience, tokenCount)).join('\n') + '\n');
    context.log(`JWT verification ${alg}, ${concurrency} in flight, in one process`);

    const helper: DriverResult[] = [];
    const jose: DriverResult[] = [];
    const run = async (mode: 'helper' | 'jose', runName: string) => {
      const result = await runVerifyDriver({
        mode,
        issuer: context.tollgate.url,
        audience,
        jwksFile: context.jwksFile,
        tokensFile,
        durationS: context.durationS,
      });
      context.log(
        `  ${scenario(alg)} ${runName} ${mode.padEnd(6)} ${Math.round(result.perSecond)} verifications/s` +
          (result.failures ? `  FAILED ${result.failures}: ${result.firstFailure}` : ''),
      );
      return result;
    };
    for (let index = 0; index < context.runs; index += 1) {
      helper.push(await run('helper', `run${index + 1}`));
      jose.push(await run('jose', `run${index + 1}`));
    }
    rows.push({
      scenario: scenario(alg),
      load: `${concurrency} in flight, one process`,
      unit: 'verifications/s',
      subject: 'verifier helper',
      result: summarize(helper),
      reference: summarize(jose),
      referenceName: 'jose.jwtVerify, local key',
      ratioRate: round(median(helper.map((result, index) => result.perSecond / (jose[index] as DriverResult).perSecond)), 3),
      ratioP99: round(median(helper.map((result, index) => result.p99Ms / (jose[index] as DriverResult).p99Ms)), 3),
      note: "CPU is the verifying process's own, per 1,000 verifications",
    });
  }
  return rows;
}

function summarize(results: DriverResult[]): Summary {
  return {
    runs: results.length,
    rate: round(median(results.map((result) => result.perSecond)), 0),
    p50Ms: round(median(results.map((result) => result.p50Ms)), 3),
    p99Ms: round(median(results.map((result) => result.p99Ms)), 3),
    serverCpuMsPer1k: round(median(results.map((result) => result.cpuMsPer1k)), 1),
    failures: results.reduce((sum, result) => sum + result.failures, 0),
  };
}

async function issueTokens(url: string, resource: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const response = await fetch(`${url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuthorization(fixtures.clientId, fixtures.clientSecret) },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope: fixtures.scope }),
    });
    const body = (await response.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`could not get a token to verify: ${response.status} ${JSON.stringify(body)}`);
    tokens.push(body.access_token);
  }
  return tokens;
}

function runVerifyDriver(options: {
  mode: string;
  issuer: string;
  audience: string;
  jwksFile: string;
  tokensFile: string;
  durationS: number;
}): Promise<DriverResult> {
  const args = [
    join(repoRoot, 'bench', 'verify-driver.ts'),
    ...['--mode', options.mode, '--issuer', options.issuer, '--audience', options.audience, '--jwks-file', options.jwksFile],
    ...['--tokens', options.tokensFile, '--duration', String(options.durationS), '--concurrency', String(concurrency)],
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = output.split('\n').find((text) => text.startsWith('BENCH_JSON '));
      if (code !== 0 || !line) reject(new Error(`verify driver (${options.mode}) failed with ${code}:\n${output}`));
      else resolve(JSON.parse(line.slice('BENCH_JSON '.length)) as DriverResult);
    });
  });
}
