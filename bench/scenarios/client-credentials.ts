import { baselineSide, comparePairs, tollgateSide, type BenchContext } from '../lib/context.ts';
import type { Row } from '../lib/results.ts';
import { basicAuthorization, fixtures } from '../lib/tollgate-fixtures.ts';

/**
 * Client credentials, the service-to-service path: the same request body and Basic credentials
 * to both servers, a JWT access token signed with `alg` for the bench resource.
 */
export async function clientCredentials(context: BenchContext, alg: 'ES256' | 'RS256'): Promise<Row[]> {
  const env = {
    BENCH_BODY: `grant_type=client_credentials&resource=${encodeURIComponent(fixtures.resources[alg])}&scope=${encodeURIComponent(fixtures.scope)}`,
    BENCH_AUTHORIZATION: basicAuthorization(fixtures.clientId, fixtures.clientSecret),
  };
  const rows: Row[] = [];
  for (const connections of context.connections) {
    context.log(`client credentials ${alg}, ${connections} connection(s)`);
    rows.push(
      await comparePairs(context, {
        scenario: `client credentials ${alg}`,
        unit: 'tokens/s',
        connections,
        script: 'token.lua',
        env: () => env,
        a: tollgateSide(context),
        b: baselineSide(context),
      }),
    );
  }
  return rows;
}
