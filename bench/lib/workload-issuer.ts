import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

import { fixtures } from './tollgate-fixtures.ts';

export interface WorkloadIssuer {
  issuer: string;
  jwksUri: string;
  /** A platform token for the bench workload, for `audience`, living `lifetimeSeconds`. */
  assertion(audience: string, lifetimeSeconds: number): Promise<string>;
  /** How many times tollgate fetched the keys. */
  fetches(): number;
  close(): Promise<void>;
}

/**
 * A platform (a cluster, a CI service) that signs workload tokens with ES256 and serves its
 * public key at a JWKS URI on loopback, as tollgate finds a trusted issuer's keys: fetched once,
 * then cached (federation/issuer-keys.ts).
 */
export async function startWorkloadIssuer(): Promise<WorkloadIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'bench-workload', alg: 'ES256', use: 'sig' }] });
  let fetches = 0;
  const server = createServer((request, response) => {
    if (request.url !== '/jwks') return void response.writeHead(404).end();
    fetches += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    assertion: (audience, lifetimeSeconds) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: 'bench-workload' })
        .setIssuer(issuer)
        .setSubject(fixtures.workloadSubject)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${lifetimeSeconds}s`)
        .sign(privateKey),
    fetches: () => fetches,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
