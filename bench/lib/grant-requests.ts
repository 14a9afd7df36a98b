import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { grantTypes } from '../../src/clients/client-record.ts';
import { personAccessToken } from '../scenarios/token-exchange.ts';
import { runDeviceDriver } from './device-runner.ts';
import { benchResourceToken } from './resource-token-fixture.ts';
import { basicAuthorization, fixtures, seedWorkloadClient } from './tollgate-fixtures.ts';
import { startWorkloadIssuer } from './workload-issuer.ts';

export const grants = ['client-credentials', 'exchange', 'jwt-bearer', 'resource-token', 'refresh'] as const;
export type Grant = (typeof grants)[number];

export interface GrantRequest {
  body: string;
  headers: Record<string, string>;
  /** Refresh: one refresh token per request in flight, each followed along its rotation chain (`body` is their form without the token). */
  chains?: string[];
}

/**
 * The token requests `npm run bench:instructions -- --grant <grant>` counts, as the bench's
 * scenarios send them: the same subject token, assertion or resource token every time; for
 * refresh, `chains` from device logins, each token sent once. tollgate is started with
 * `configFile`, which trusts the local workload issuer.
 */
export async function startGrantRequests(redisUrl: string, directory: string) {
  const target = `resource=${encodeURIComponent(fixtures.resources.ES256)}&scope=${encodeURIComponent(fixtures.scope)}`;
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const clientCredentials = {
    body: `grant_type=client_credentials&${target}`,
    headers: { ...form, authorization: basicAuthorization(fixtures.clientId, fixtures.clientSecret) },
  };
  const issuer = await startWorkloadIssuer();
  const configFile = join(directory, 'grant-requests-config.json');
  writeFileSync(configFile, JSON.stringify({ federation: { trustedIssuers: [{ issuer: issuer.issuer, jwksUri: issuer.jwksUri }] } }));

  return {
    configFile,
    /** The request for one tollgate (whose records live under `keyPrefix`), made once before its warm-up. */
    async request(kind: Grant, url: string, keyPrefix: string, chains = 8): Promise<GrantRequest> {
      if (kind === 'client-credentials') return clientCredentials;
      if (kind === 'refresh') {
        const file = join(directory, `refresh-chains-${keyPrefix.replace(/\W+/g, '')}.txt`);
        const minted = await runDeviceDriver(url, { concurrency: 4, count: chains, tokensFile: file });
        if (minted.failures > 0) throw new Error(`device logins for refresh chains failed: ${minted.firstFailure}`);
        return { body: `grant_type=refresh_token&client_id=${fixtures.deviceClientId}`, headers: form, chains: readFileSync(file, 'utf8').trim().split('\n') };
      }
      if (kind === 'resource-token') return { ...clientCredentials, headers: { ...form, authorization: await benchResourceToken(redisUrl, keyPrefix) } };
      if (kind === 'jwt-bearer') {
        await seedWorkloadClient(redisUrl, issuer.issuer, keyPrefix);
        return {
          body: `grant_type=${encodeURIComponent(grantTypes.jwtBearer)}&client_id=${fixtures.workloadClientId}&assertion=${await issuer.assertion(url, 3600)}&${target}`,
          headers: form,
        };
      }
      const exchange = `grant_type=${encodeURIComponent(grantTypes.tokenExchange)}&subject_token=${await personAccessToken(url)}&subject_token_type=${encodeURIComponent('urn:ietf:params:oauth:token-type:access_token')}`;
      return { body: `${exchange}&${target}`, headers: { ...form, authorization: basicAuthorization(fixtures.gatewayClientId, fixtures.clientSecret) } };
    },
    close: () => issuer.close(),
  };
}
