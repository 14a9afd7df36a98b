import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { grantTypes } from '../../src/clients/client-record.ts';
import { comparePairs, tollgateSide, type BenchContext, type Side } from '../lib/context.ts';
import type { ServerProcess } from '../lib/processes.ts';
import type { BenchRedis } from '../lib/redis.ts';
import type { Row } from '../lib/results.ts';
import { startTollgate } from '../lib/servers.ts';
import { basicAuthorization, fixtures, seedWorkloadClient } from '../lib/tollgate-fixtures.ts';
import { startWorkloadIssuer } from '../lib/workload-issuer.ts';

/**
 * RFC 7523 jwt-bearer next to client credentials, on the same tollgate in the same run, pair by
 * pair: the workload client presents its platform token (ES256, from a local issuer whose JWKS
 * tollgate fetched once and keeps) for the bench API, against the bench client with its secret.
 * Like a projected service-account token, the one assertion is presented until the run ends. The
 * tollgate is one of its own, with the issuer trusted in its configuration, on the bench's Redis.
 */
export async function jwtBearer(context: BenchContext, running: Array<ServerProcess | BenchRedis>): Promise<Row[]> {
  const issuer = await startWorkloadIssuer();
  try {
    await seedWorkloadClient(context.redis.url, issuer.issuer);
    const configFile = join(context.tmpDir, 'jwt-bearer-config.json');
    writeFileSync(configFile, JSON.stringify({ federation: { trustedIssuers: [{ issuer: issuer.issuer, jwksUri: issuer.jwksUri }] } }));
    const server = await startTollgate({
      redisUrl: context.redis.url,
      jwksFile: context.jwksFile,
      name: 'tollgate (trusted issuer)',
      env: { TOLLGATE_CONFIG_FILE: configFile },
    });
    running.push(server);
    try {
      const bearer: Side = { ...tollgateSide(context, server), name: 'jwt-bearer' };
      const credentials: Side = { ...tollgateSide(context, server), name: 'client credentials' };
      const target = `resource=${encodeURIComponent(fixtures.resources.ES256)}&scope=${encodeURIComponent(fixtures.scope)}`;
      const credentialsEnv = {
        BENCH_BODY: `grant_type=client_credentials&${target}`,
        BENCH_AUTHORIZATION: basicAuthorization(fixtures.clientId, fixtures.clientSecret),
      };
      const rows: Row[] = [];
      for (const connections of context.connections) {
        // A fresh assertion per connection count, living past every run that presents it.
        const assertion = await issuer.assertion(server.url, 1800);
        const bearerEnv = {
          BENCH_BODY: `grant_type=${encodeURIComponent(grantTypes.jwtBearer)}&client_id=${fixtures.workloadClientId}&assertion=${assertion}&${target}`,
          BENCH_AUTHORIZATION: '',
        };
        context.log(`jwt-bearer vs client credentials ES256, ${connections} connection(s)`);
        const row = await comparePairs(context, {
          scenario: 'jwt-bearer ES256',
          unit: 'tokens/s',
          connections,
          script: 'token.lua',
          env: (side) => (side === bearer ? bearerEnv : credentialsEnv),
          a: bearer,
          b: credentials,
        });
        rows.push({
          ...row,
          subject: 'tollgate',
          referenceName: 'tollgate client credentials ES256',
          note: `reference: client credentials on the same tollgate, same run; the issuer's keys were fetched ${issuer.fetches()} time(s)`,
        });
      }
      return rows;
    } finally {
      await server.stop();
    }
  } finally {
    await issuer.close();
  }
}
