import { comparePairs, tollgateSide, type BenchContext, type Side } from '../lib/context.ts';
import { benchResourceToken } from '../lib/resource-token-fixture.ts';
import type { Row } from '../lib/results.ts';
import { basicAuthorization, fixtures } from '../lib/tollgate-fixtures.ts';

/**
 * Client credentials with a resource token (SPEC §15: its public id as client_id, the whole
 * value as the secret) next to the ordinary bench client, the same body to the same tollgate,
 * pair by pair in the same run.
 */
export async function resourceToken(context: BenchContext): Promise<Row[]> {
  const server = context.tollgate;
  const token: Side = { ...tollgateSide(context, server), name: 'resource token' };
  const client: Side = { ...tollgateSide(context, server), name: 'ordinary client' };
  const body = `grant_type=client_credentials&resource=${encodeURIComponent(fixtures.resources.ES256)}&scope=${encodeURIComponent(fixtures.scope)}`;
  const env = {
    token: { BENCH_BODY: body, BENCH_AUTHORIZATION: await benchResourceToken(context.redis.url) },
    client: { BENCH_BODY: body, BENCH_AUTHORIZATION: basicAuthorization(fixtures.clientId, fixtures.clientSecret) },
  };
  const rows: Row[] = [];
  for (const connections of context.connections) {
    context.log(`resource token vs ordinary client, client credentials ES256, ${connections} connection(s)`);
    const row = await comparePairs(context, {
      scenario: 'client credentials ES256, resource token',
      unit: 'tokens/s',
      connections,
      script: 'token.lua',
      env: (side) => (side === token ? env.token : env.client),
      a: token,
      b: client,
    });
    rows.push({
      ...row,
      subject: 'tollgate',
      referenceName: 'tollgate client credentials ES256, ordinary client',
      note: 'reference: an ordinary client on the same tollgate, same run',
    });
  }
  return rows;
}
