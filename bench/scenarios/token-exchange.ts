import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { comparePairs, tollgateSide, type BenchContext, type Side } from '../lib/context.ts';
import { runDeviceDriver } from '../lib/device-runner.ts';
import type { Row } from '../lib/results.ts';
import { basicAuthorization, fixtures } from '../lib/tollgate-fixtures.ts';

const exchangeGrant = 'urn:ietf:params:oauth:grant-type:token-exchange';
const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';
const benchTarget = `resource=${encodeURIComponent(fixtures.resources.ES256)}&scope=${encodeURIComponent(fixtures.scope)}`;

/**
 * RFC 8693 token exchange next to client credentials, on the same tollgate in the same run,
 * pair by pair: the gateway client exchanges one person's access token (from a device login,
 * for the demo API it serves) for a token to the bench API, against the bench client getting
 * its own token for that API. The ratio is exchange ÷ client credentials. The plain
 * oidc-provider has no token exchange, so it is not part of this row.
 */
export async function tokenExchange(context: BenchContext): Promise<Row[]> {
  const server = context.tollgate;
  const exchange: Side = { ...tollgateSide(context, server), name: 'token exchange' };
  const credentials: Side = { ...tollgateSide(context, server), name: 'client credentials' };
  const credentialsEnv = {
    BENCH_BODY: `grant_type=client_credentials&${benchTarget}`,
    BENCH_AUTHORIZATION: basicAuthorization(fixtures.clientId, fixtures.clientSecret),
  };

  const rows: Row[] = [];
  for (const connections of context.connections) {
    // A fresh person token per connection count, so it outlives every run that uses it.
    const subjectToken = await personAccessToken(server.url);
    const exchangeEnv = exchangeRequest(subjectToken);
    context.log(`token exchange vs client credentials ES256, ${connections} connection(s)`);
    const row = await comparePairs(context, {
      scenario: 'token exchange ES256',
      unit: 'tokens/s',
      connections,
      script: 'token.lua',
      env: (side) => (side === exchange ? exchangeEnv : credentialsEnv),
      a: exchange,
      b: credentials,
    });
    rows.push({
      ...row,
      subject: 'tollgate',
      referenceName: 'tollgate client credentials ES256',
      note: 'reference: client credentials on the same tollgate, same run',
    });
  }
  return rows;
}

/** wrk's environment for the gateway client exchanging `subjectToken` for a token to the bench API. */
export function exchangeRequest(subjectToken: string): Record<string, string> {
  return {
    BENCH_BODY: `grant_type=${encodeURIComponent(exchangeGrant)}&subject_token=${subjectToken}&subject_token_type=${encodeURIComponent(accessTokenType)}&${benchTarget}`,
    BENCH_AUTHORIZATION: basicAuthorization(fixtures.gatewayClientId, fixtures.clientSecret),
  };
}

/** A person's access token for the demo API: one device login as the demo account, then one refresh. */
export async function personAccessToken(url: string): Promise<string> {
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-bench-exchange-'));
  try {
    const file = join(directory, 'refresh-token.txt');
    const login = await runDeviceDriver(url, { concurrency: 1, count: 1, tokensFile: file });
    if (login.failures > 0) throw new Error(`device login for the subject token failed: ${login.firstFailure}`);
    const refreshToken = readFileSync(file, 'utf8').trim();
    const response = await fetch(`${url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: fixtures.deviceClientId, refresh_token: refreshToken }),
    });
    const body = (await response.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`refresh for the subject token failed: ${response.status} ${JSON.stringify(body)}`);
    return body.access_token;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
